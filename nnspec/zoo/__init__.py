"""The model zoo: the books' dense, sequence, convolutional and generative models, built with either implementation.

    from nnspec import zoo
    import nnspec.reference as nn
    model = zoo.get("mnist_mlp").make(nn, compile=True)     # fresh session: dense_1, dense_2
    result = zoo.train("mnist_mlp", nn)                      # the book's recipe: result.history, .evaluation

Each :class:`Entry` names the book and section, holds the builder (``build(nn)`` -> the uncompiled
model, :mod:`nnspec.zoo.dense`, :mod:`nnspec.zoo.sequences`, :mod:`nnspec.zoo.convnets`; the generative
classes of :mod:`nnspec.zoo.autoencoders`, :mod:`nnspec.zoo.gans`, :mod:`nnspec.zoo.chollet_generative`), the book's
``compile`` arguments, the total parameter count (the book's printed table where it prints one, else
computed by hand from the architecture, see the ``params_note``) and the training recipe
(:mod:`nnspec.zoo.recipes`, :mod:`nnspec.zoo.sequence_recipes`). ``python -m nnspec zoo list``,
``zoo summary NAME`` and ``zoo train NAME`` are the command line.
"""

from dataclasses import dataclass, field

from . import dense

__all__ = ["Entry", "ENTRIES", "names", "get", "train"]

CHOLLET = "Chollet, Deep Learning with Python (1st ed.)"
FOSTER = "Foster, Generative Deep Learning (1st ed.)"
WATSON = "Watson, DATA 2040 lecture notes"


@dataclass(frozen=True)
class Entry:
    name: str
    book: str
    section: str  # chapter/section, listings and the notes' line numbers
    build: object  # build(nn) -> uncompiled model, exactly as the book writes it
    compile_args: object  # compile_args(nn) -> dict of the book's model.compile keyword arguments
    params: int  # total parameters: the book's table, or the hand computation in params_note
    params_note: str
    printed_summary: str | None = None  # the notes' table id and the book's figure/listing, if printed
    recipe: str | None = None  # key in recipes.RECIPES; None where the book trains it on no data
    data: str | None = None  # the dataset the recipe loads (None: data made in the recipe)
    build_shape: tuple | None = None  # the input shape a model without one is built with (its first fit)
    notes: tuple = field(default_factory=tuple)

    def make(self, nn, compile=False, fresh=True, built=False, **build_kwargs):
        """Build the model with implementation ``nn``.

        ``fresh`` calls ``nn.backend.clear_session()`` first, so layer names start at ``dense_1`` as in a
        new book session; ``compile`` applies the book's compile arguments; ``built`` builds a model the
        book leaves without an input shape with :attr:`build_shape` (as its first fit would);
        ``build_kwargs`` go to the builder (the data's shapes where the book takes them from its data,
        e.g. ``num_features`` of the Jena models, :mod:`nnspec.zoo.sequences`).
        """
        if fresh:
            nn.backend.clear_session()
        model = self.build(nn, **build_kwargs)
        if built and not model.built and self.build_shape is not None:
            model.build(self.build_shape)
        if compile:
            model.compile(**self.compile_args(nn))
        return model


ENTRIES = {e.name: e for e in (
    # -- Chollet ----------------------------------------------------------------------------------------
    Entry("mnist_mlp", CHOLLET, "2.1 A first look at a neural network (Listings 2.1-2.9, L493-L570)",
           dense.mnist_mlp, dense.compile_mnist_mlp, 407_050,
           "784*512+512 = 401,920; 512*10+10 = 5,130 (no table printed)", recipe="mnist", data="mnist"),
    Entry("workflow_mlp", CHOLLET, "3.2 Introduction to Keras, Sequential (Listing 3.4, L1565-L1572)",
           dense.workflow_mlp, dense.compile_workflow_mlp, 25_450,
           "784*32+32 = 25,120; 32*10+10 = 330 (no table printed)",
           notes=("The book fits it on undefined input_tensor/target_tensor (L1605): no recipe.",)),
    Entry("workflow_mlp_functional", CHOLLET, "3.2 Introduction to Keras, functional (Listing 3.5, L1578-L1584)",
           dense.workflow_mlp_functional, dense.compile_workflow_mlp, 25_450,
           "784*32+32 = 25,120; 32*10+10 = 330 (no table printed)",
           notes=("The book writes Model(input=..., output=...) (Keras 1 names); built as Model(inputs, outputs).",)),
    Entry("imdb_dense", CHOLLET, "3.4 Classifying movie reviews (Listings 3.8-3.26, L1816-L2000)",
           dense.imdb_dense, dense.compile_imdb_dense, 160_305,
           "10000*16+16 = 160,016; 16*16+16 = 272; 16*1+1 = 17 (no table printed)", recipe="imdb", data="imdb"),
    Entry("imdb_dense_small", CHOLLET, "4.4.1 Reducing the network's size, smaller (Listing 4.5, L3053-L3058)",
           dense.imdb_dense_small, dense.compile_imdb_dense, 40_029,
           "10000*4+4 = 40,004; 4*4+4 = 20; 4*1+1 = 5 (no table printed)", recipe="imdb_validation", data="imdb"),
    Entry("imdb_dense_big", CHOLLET, "4.4.1 Reducing the network's size, bigger (Listing 4.6, L3075-L3080)",
           dense.imdb_dense_big, dense.compile_imdb_dense, 5_383_681,
           "10000*512+512 = 5,120,512; 512*512+512 = 262,656; 512*1+1 = 513 (no table printed)",
           recipe="imdb_validation", data="imdb"),
    Entry("imdb_dense_l2", CHOLLET, "4.4.2 Adding weight regularization (Listing 4.7, L3112-L3121)",
           dense.imdb_dense_l2, dense.compile_imdb_dense, 160_305,
           "as imdb_dense: regularizers add no weights (no table printed)", recipe="imdb_validation", data="imdb"),
    Entry("imdb_dense_dropout", CHOLLET, "4.4.3 Adding dropout (Listings 4.12-4.13, L3203-L3210)",
           dense.imdb_dense_dropout, dense.compile_imdb_dense, 160_305,
           "as imdb_dense: Dropout has no weights (no table printed)", recipe="imdb_validation", data="imdb"),
    Entry("reuters_dense", CHOLLET, "3.5 Classifying newswires (Listings 3.27-3.49, L2176-L2303)",
           dense.reuters_dense, dense.compile_reuters_dense, 647_214,
           "10000*64+64 = 640,064; 64*64+64 = 4,160; 64*46+46 = 2,990 (no table printed)",
           recipe="reuters", data="reuters"),
    Entry("reuters_dense_bottleneck", CHOLLET, "3.5 Classifying newswires, bottleneck (Listing 3.50, L2381-L2397)",
           dense.reuters_dense_bottleneck, dense.compile_reuters_dense, 640_554,
           "10000*64+64 = 640,064; 64*4+4 = 260; 4*46+46 = 230 (no table printed)",
           recipe="reuters_bottleneck", data="reuters"),
    Entry("boston_dense", CHOLLET, "3.6 Predicting house prices, K-fold (Listings 3.51-3.63, L2484-L2711)",
           dense.boston_dense, dense.compile_boston_dense, 5_121,
           "13*64+64 = 896; 64*64+64 = 4,160; 64*1+1 = 65 (no table printed)",
           recipe="boston_kfold", data="boston_housing"),
    Entry("mlp_sequential", CHOLLET, "7.1.1 Introduction to the functional API, seq_model (Listing 7.2, L7353-L7361)",
           dense.mlp_sequential, dense.compile_mlp_functional, 3_466,
           "64*32+32 = 2,080; 32*32+32 = 1,056; 32*10+10 = 330 (the table of its functional twin)",
           notes=("The book trains only its functional twin (mlp_functional).",)),
    Entry("mlp_functional", CHOLLET, "7.1.1 Introduction to the functional API (Listings 7.2-7.5, L7365-L7440)",
           dense.mlp_functional, dense.compile_mlp_functional, 3_466,
           "printed: Listing 7.3", printed_summary="seed-chollet.md §3 T12 (DLwP Listing 7.3)",
           recipe="random_dummy"),
    # -- Foster ----------------------------------------------------------------------------------------------
    Entry("cifar10_mlp", FOSTER, "ch. 2 Deep Learning, Example 2-2 (functional; F0:162-178, F0:268-312)",
           dense.cifar10_mlp, dense.compile_cifar10_mlp, 646_260,
           "printed: Figure 2-6", printed_summary="seed-foster.md §3 S1 (GDL Figure 2-6)",
           recipe="cifar10", data="cifar10"),
    Entry("cifar10_mlp_as_printed", FOSTER, "ch. 2 Deep Learning, Example 2-1 (Sequential as printed; F0:148-160)",
           dense.cifar10_mlp_as_printed, dense.compile_cifar10_mlp, 30_722_460,
           "Dense(200) before Flatten: 3*200+200 = 800; 32*32*200 = 204,800 features; "
           "204800*150+150 = 30,720,150; 150*10+10 = 1,510 (the book claims Figure 2-6's 646,260)",
           recipe="cifar10", data="cifar10",
           notes=("As printed, Example 2-1 is not Example 2-2: Dense(200) acts on the last axis before Flatten.",)),
    # -- Watson ------------------------------------------------------------------------------------------------
    Entry("basic_keras_mlp", WATSON, "§1.2.1 basic-keras-example.ipynb (L89-L134)",
           dense.basic_keras_mlp, dense.compile_basic_keras_mlp, 30,
           "3*2+2 = 8; 2*4+4 = 12; 4*2+2 = 10 (no table printed)", recipe="sum_and_squares"),
    Entry("dense_autoencoder", WATSON, "§1.5.1 autoencoder.ipynb (L449-L473)",
           dense.dense_autoencoder, dense.compile_dense_autoencoder, 666_432,
           "Flatten 784; 784*784+784 = 615,440; 784*32+32 = 25,120; 32*784+784 = 25,872 (no table printed)",
           recipe="fashion_autoencoder", data="fashion_mnist",
           notes=("The notes compile with optimizer='adadelata' (a typo Keras rejects); the zoo uses 'adadelta'.",)),
    Entry("svd_autoencoder", WATSON, "§2.5 svd-with-autoencoder.ipynb (L846-L883)",
           dense.svd_autoencoder, dense.compile_svd_autoencoder, 1_000,
           "no bias: 50*10 = 500; 10*50 = 500 (no table printed)", recipe="svd", build_shape=(None, 50),
           notes=("No input shape in the notes: built by its first fit on the 50x50 matrix.",)),
)}

# the books' sequence models, the generative models (Foster ch. 3-4, DLwP ch. 5 and 8) and the convnets (their
# modules build entries with Entry, so they are imported once Entry exists); the convnets stay last, where
# conformance/test_zoo_convnets.py expects them
from . import autoencoders, chollet_generative, convnets, gans, sequences  # noqa: E402

ENTRIES.update(sequences.ENTRIES)
ENTRIES.update({e.name: e for e in autoencoders.GENERATIVE_ENTRIES})
ENTRIES.update({e.name: e for e in gans.GAN_ENTRIES})
ENTRIES.update({e.name: e for e in chollet_generative.CHOLLET_GENERATIVE_ENTRIES})
ENTRIES.update(convnets.ENTRIES)


def names():
    return list(ENTRIES)


def get(name):
    """The entry called ``name``; an unknown name is a KeyError listing the valid ones."""
    try:
        return ENTRIES[name]
    except KeyError:
        raise KeyError(f"nnspec zoo: unknown model {name!r}; the zoo has: {', '.join(ENTRIES)}") from None


def train(name, nn, **kwargs):
    """Run the recipe of entry ``name`` with implementation ``nn``; see :func:`nnspec.zoo.recipes.run`."""
    from . import recipes
    return recipes.run(get(name), nn, **kwargs)
