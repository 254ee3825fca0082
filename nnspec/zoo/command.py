"""``python -m nnspec zoo``: ``list``, ``summary NAME`` and ``train NAME [--option KEY=VALUE ...]``."""

import os
import sys


def add_arguments(parser):
    sub = parser.add_subparsers(dest="zoo_command", required=True)
    sub.add_parser("list", help="the models: name, parameters, book and section, dataset")
    impl_help = "default: NNSPEC_IMPL or reference"
    p = sub.add_parser("summary", help="the model's Keras 2 summary table, as in a fresh book session")
    p.add_argument("name")
    p.add_argument("--impl", choices=("reference", "accel"), help=impl_help)
    p = sub.add_parser("train", help="train the model by the book's recipe (progress bar, final evaluation)")
    p.add_argument("name")
    p.add_argument("--impl", choices=("reference", "accel"), help=impl_help)
    p.add_argument("--epochs", type=int, help="replace the epoch count of every fit of the recipe")
    p.add_argument("--cache-dir", help="the dataset cache (default: NNSPEC_DATA or ~/.nnspec/datasets)")
    p.add_argument("--synthetic", action="store_true",
                   help="small random data with the dataset's shapes instead of the dataset (a smoke run)")
    p.add_argument("--seed", type=int, default=1,
                   help="seed the shuffling and the initial weights (default 1: runs are repeatable; the book's "
                        "runs were not seeded, see conformance/spec/conventions/zoo.md)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1, help="fit/evaluate verbosity (default 1)")
    p.add_argument("--option", "-o", action="append", default=[], metavar="KEY=VALUE",
                   help="a recipe option, repeatable (e.g. steps_per_epoch=100 for the Jena recipes, chars=200000 "
                        "for char_lstm); zoo train NAME --option help lists the recipe's options")


def _impl(args):
    """The implementation module named by --impl or NNSPEC_IMPL (without changing nnspec's selection)."""
    import importlib

    import nnspec
    name = args.impl or os.environ.get("NNSPEC_IMPL", "reference").strip() or "reference"
    if name not in nnspec.IMPLEMENTATIONS:
        raise ValueError(f"unknown implementation {name!r}; expected one of {nnspec.IMPLEMENTATIONS}")
    return importlib.import_module(f"nnspec.{name}")


def list_lines():
    from . import ENTRIES
    rows = [("name", "params", "book, section", "data")]
    rows += [(e.name, f"{e.params:,}", f"{e.book.split(',')[0]} {e.section}",
              e.data or ("(in the recipe)" if e.recipe else "(no recipe)")) for e in ENTRIES.values()]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return [f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip() for r in rows]


def cmd_zoo(args):
    from nnspec.reference.errors import ImplementationUnavailableError

    from . import get
    if args.zoo_command == "list":
        for line in list_lines():
            print(line)
        return 0
    try:
        entry = get(args.name)
    except KeyError as e:
        print(e.args[0], file=sys.stderr)
        return 2
    try:
        nn = _impl(args)
    except (ImplementationUnavailableError, ValueError) as e:
        print(f"nnspec zoo: {e}", file=sys.stderr)
        return 2
    if args.zoo_command == "summary":
        entry.make(nn, built=True).summary()
        return 0
    if entry.recipe is None:
        print(f"nnspec zoo train: the book gives no training recipe for {entry.name} ({entry.section})",
              file=sys.stderr)
        return 2
    from nnspec.reference.datasets import DatasetNotFoundError

    from . import recipes
    declared = getattr(recipes.RECIPES[entry.recipe], "options", {})
    if "help" in args.option:
        print(f"options of the recipe {entry.recipe!r} ({entry.name}):" if declared else
              f"the recipe {entry.recipe!r} ({entry.name}) takes no options")
        for key, (default, _, text) in declared.items():
            print(f"  {key}={default}  {text}")
        return 0
    try:
        options = dict(_option(item) for item in args.option)
        recipes.check_options(entry, options)
    except ValueError as e:
        print(f"nnspec zoo train {entry.name}: {e}", file=sys.stderr)
        return 2
    try:
        recipes.run(entry, nn, epochs=args.epochs, synthetic=args.synthetic, verbose=args.verbose, seed=args.seed,
                    cache_dir=args.cache_dir, **options)
    except DatasetNotFoundError as e:
        print(f"nnspec zoo train {entry.name}: {e}", file=sys.stderr)
        return 2
    return 0


def _option(item):
    """``KEY=VALUE`` -> (key, value) with VALUE read as an int, else a float, else kept as text."""
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise ValueError(f"--option expects KEY=VALUE, got {item!r}")
    for kind in (int, float):
        try:
            return key, kind(value)
        except ValueError:
            pass
    return key, value
