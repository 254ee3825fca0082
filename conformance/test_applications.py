"""``nn.applications``: VGG16, VGG19, ResNet50, InceptionV3 and Xception as Keras 2.2.4 builds them.

Keras 2.2.4 wraps keras_applications 1.0.6. The expectations are Keras' numbers (the parameter
counts Keras prints, with the arithmetic in comments), the book's printed summary of the VGG16
convolutional base (DLwP listing 5.25), layer names and types counted by hand from the
architectures, and preprocessing values computed by hand from the formulas. Every model with its
top is built once per module (module-scoped fixtures): the host initializers of 140 million VGG
weights take seconds. nnspec never downloads: ``weights='imagenet'`` is an error naming the Keras
file to pass by path, and the ImageNet class index is read from the data cache.
"""

import json
import re
from collections import Counter

import numpy as np
import pytest
from harness.summaries import parse_summary


def _fresh_build(nn, builder, **kwargs):
    """A model built in a fresh session (auto names start at _1, as in the REPL Keras' summaries come from)."""
    nn.backend.clear_session()
    kwargs.setdefault("weights", None)
    return getattr(nn.applications, builder)(**kwargs)


@pytest.fixture(scope="module")
def vgg16_top(nn):
    return _fresh_build(nn, "VGG16")


@pytest.fixture(scope="module")
def vgg19_top(nn, request):
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("VGG19 with its top initializes 143 million weights on the host: select with -m slow "
                    "(tox -e slow); its base is checked by default")
    return _fresh_build(nn, "VGG19")


@pytest.fixture(scope="module")
def resnet50_top(nn):
    return _fresh_build(nn, "ResNet50")


@pytest.fixture(scope="module")
def inception_v3_top(nn):
    return _fresh_build(nn, "InceptionV3")


@pytest.fixture(scope="module")
def xception_top(nn):
    return _fresh_build(nn, "Xception")


@pytest.fixture(scope="module")
def vgg16_base_150(nn):
    return _fresh_build(nn, "VGG16", include_top=False, input_shape=(150, 150, 3))


pytestmark = pytest.mark.usefixtures("fresh_seeded_session")


def _counts(model):
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return model.count_params(), trainable, non_trainable


def _types(model):
    return Counter(type(layer).__name__ for layer in model.layers)


# -- the book's summary of the VGG16 convolutional base ----------------------------------------------------------

# seed-chollet.md section 3 T7 = DLwP listing 5.32 (book L4586-L4605), the same table as listing 5.25 (T5,
# L4269-L4301, whose footer L4303-L4305 is appended here). The MEAP prints the Keras-1 type name Convolution2D
# (a remnant the notes point out); Keras 2.2.4 prints the class name Conv2D, as nnspec does.
BOOK_T5 = """\
Layer (type)\tOutput Shape\tParam #
input_1 (InputLayer)\t(None, 150, 150, 3)\t0
block1_conv1 (Convolution2D)\t(None, 150, 150, 64)\t1792
block1_conv2 (Convolution2D)\t(None, 150, 150, 64)\t36928
block1_pool (MaxPooling2D)\t(None, 75, 75, 64)\t0
block2_conv1 (Convolution2D)\t(None, 75, 75, 128)\t73856
block2_conv2 (Convolution2D)\t(None, 75, 75, 128)\t147584
block2_pool (MaxPooling2D)\t(None, 37, 37, 128)\t0
block3_conv1 (Convolution2D)\t(None, 37, 37, 256)\t295168
block3_conv2 (Convolution2D)\t(None, 37, 37, 256)\t590080
block3_conv3 (Convolution2D)\t(None, 37, 37, 256)\t590080
block3_pool (MaxPooling2D)\t(None, 18, 18, 256)\t0
block4_conv1 (Convolution2D)\t(None, 18, 18, 512)\t1180160
block4_conv2 (Convolution2D)\t(None, 18, 18, 512)\t2359808
block4_conv3 (Convolution2D)\t(None, 18, 18, 512)\t2359808
block4_pool (MaxPooling2D)\t(None, 9, 9, 512)\t0
block5_conv1 (Convolution2D)\t(None, 9, 9, 512)\t2359808
block5_conv2 (Convolution2D)\t(None, 9, 9, 512)\t2359808
block5_conv3 (Convolution2D)\t(None, 9, 9, 512)\t2359808
block5_pool (MaxPooling2D)\t(None, 4, 4, 512)\t0
Total params: 14,714,688\t\t
Trainable params: 14,714,688\t\t
Non-trainable params: 0\t\t
"""



def test_vgg16_conv_base_summary_is_the_books_table(vgg16_base_150):
    """DLwP listing 5.25: ``VGG16(weights=..., include_top=False, input_shape=(150, 150, 3))``, row by row."""
    out = []
    vgg16_base_150.summary(print_fn=out.append)
    rows, totals = parse_summary(out)
    book_rows, book_totals = parse_summary(BOOK_T5.splitlines())
    assert len(book_rows) == 19 and book_totals == {"Total": 14714688, "Trainable": 14714688, "Non-trainable": 0}
    keras2 = [(n, "Conv2D" if t == "Convolution2D" else t, s, p) for n, t, s, p in book_rows]
    assert rows == keras2
    assert totals == book_totals
    assert vgg16_base_150.name == "vgg16"
    assert vgg16_base_150.output_shape == (None, 4, 4, 512)  # the book's (4, 4, 512) features (L4307)
    # 13 convolutions x (kernel, bias): the 26 trainable weights of the base (L4485's 30 = 26 + 2 Dense x 2)
    assert len(vgg16_base_150.trainable_weights) == 26


# -- parameter counts, layer names and types ---------------------------------------------------------------------

def test_vgg16_with_top(vgg16_top):
    # the base (14,714,688) + fc1 7*7*512*4096 + 4096 = 102,764,544 + fc2 4096*4096 + 4096 = 16,781,312
    # + predictions 4096*1000 + 1000 = 4,097,000
    assert 14714688 + 102764544 + 16781312 + 4097000 == 138357544
    assert _counts(vgg16_top) == (138357544, 138357544, 0)
    names = [layer.name for layer in vgg16_top.layers]
    assert names == (["input_1", "block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2",
                      "block2_pool"]
                     + [f"block{b}_conv{i}" for b in (3,) for i in (1, 2, 3)] + ["block3_pool"]
                     + [f"block4_conv{i}" for i in (1, 2, 3)] + ["block4_pool"]
                     + [f"block5_conv{i}" for i in (1, 2, 3)] + ["block5_pool"]
                     + ["flatten", "fc1", "fc2", "predictions"])
    assert _types(vgg16_top) == {"InputLayer": 1, "Conv2D": 13, "MaxPooling2D": 5, "Flatten": 1, "Dense": 3}
    assert vgg16_top.name == "vgg16"
    assert vgg16_top.input_shape == (None, 224, 224, 3)
    assert vgg16_top.output_shape == (None, 1000)
    assert vgg16_top.get_layer("fc1").output_shape == (None, 4096)
    assert vgg16_top.get_layer("flatten").output_shape == (None, 25088)
    conv = vgg16_top.get_layer("block1_conv1")
    assert (conv.kernel_size, conv.padding, conv.activation.__name__) == ((3, 3), "same", "relu")
    assert vgg16_top.get_layer("predictions").activation.__name__ == "softmax"


@pytest.mark.slow  # VGG19's 143 million host-initialized weights; the base's count is checked by default below
def test_vgg19_with_top(vgg19_top):
    # VGG16 + block3_conv4 (3*3*256*256 + 256 = 590,080) + block4_conv4 and block5_conv4 (2,359,808 each)
    assert 138357544 + 590080 + 2 * 2359808 == 143667240
    assert _counts(vgg19_top) == (143667240, 143667240, 0)
    assert vgg19_top.name == "vgg19"
    assert _types(vgg19_top) == {"InputLayer": 1, "Conv2D": 16, "MaxPooling2D": 5, "Flatten": 1, "Dense": 3}
    names = [layer.name for layer in vgg19_top.layers]
    assert names[7:12] == ["block3_conv1", "block3_conv2", "block3_conv3", "block3_conv4", "block3_pool"]
    assert names[-9:] == ["block5_conv1", "block5_conv2", "block5_conv3", "block5_conv4", "block5_pool",
                          "flatten", "fc1", "fc2", "predictions"]


_RESNET_STAGES = {2: "abc", 3: "abcd", 4: "abcdef", 5: "abc"}


def test_resnet50_with_top(resnet50_top):
    # 53 BatchNormalization layers hold 26,560 channels: their moving mean and variance are the 53,120
    # non-trainable parameters; fc1000 = 2048*1000 + 1000 = 2,049,000 on top of the 23,587,712 of the base.
    assert _counts(resnet50_top) == (25636712, 25636712 - 53120, 53120)
    assert resnet50_top.name == "resnet50"
    assert len(resnet50_top.layers) == 177
    # 1 stem conv + 16 blocks x 3 + 4 projection shortcuts = 53 convolutions (and BNs); ReLUs: stem 1 +
    # 16 blocks x 3 = 49; 16 adds
    assert _types(resnet50_top) == {"InputLayer": 1, "ZeroPadding2D": 2, "Conv2D": 53, "BatchNormalization": 53,
                                    "Activation": 49, "MaxPooling2D": 1, "Add": 16, "GlobalAveragePooling2D": 1,
                                    "Dense": 1}
    names = {layer.name for layer in resnet50_top.layers}
    expected = {"input_1", "conv1_pad", "conv1", "bn_conv1", "pool1_pad", "max_pooling2d_1", "avg_pool", "fc1000"}
    for stage, blocks in _RESNET_STAGES.items():
        for block in blocks:
            branches = ["2a", "2b", "2c"] + (["1"] if block == "a" else [])
            expected |= {f"res{stage}{block}_branch{b}" for b in branches}
            expected |= {f"bn{stage}{block}_branch{b}" for b in branches}
    expected |= {f"activation_{i}" for i in range(1, 50)} | {f"add_{i}" for i in range(1, 17)}
    assert names == expected
    assert [layer.name for layer in resnet50_top.layers[:8]] == [
        "input_1", "conv1_pad", "conv1", "bn_conv1", "activation_1", "pool1_pad", "max_pooling2d_1",
        "res2a_branch2a"]
    assert resnet50_top.input_shape == (None, 224, 224, 3)
    assert resnet50_top.get_layer("conv1").output_shape == (None, 112, 112, 64)
    assert resnet50_top.get_layer("max_pooling2d_1").output_shape == (None, 56, 56, 64)  # 114 padded
    assert resnet50_top.get_layer("activation_49").output_shape == (None, 7, 7, 2048)
    bn = resnet50_top.get_layer("bn2a_branch2a")
    assert (bn.axis, bn.epsilon, bn.momentum, bn.scale, bn.center) == (3, 1e-3, 0.99, True, True)
    conv = resnet50_top.get_layer("res3a_branch2a")
    assert conv.strides == (2, 2) and type(conv.kernel_initializer).__name__ == "VarianceScaling"
    assert (conv.kernel_initializer.scale, conv.kernel_initializer.mode) == (2.0, "fan_in")  # he_normal
    assert resnet50_top.get_layer("res2a_branch1").strides == (1, 1)


def test_inception_v3_with_top(inception_v3_top):
    # 94 conv2d_bn units: BatchNormalization(scale=False) has beta + moving mean + moving variance; the
    # 17,216 channels give 34,432 non-trainable parameters. predictions = 2048*1000 + 1000 on 21,802,784.
    model = inception_v3_top
    assert _counts(model) == (23851784, 23851784 - 34432, 34432)
    assert model.name == "inception_v3"
    assert len(model.layers) == 313
    assert _types(model) == {"InputLayer": 1, "Conv2D": 94, "BatchNormalization": 94, "Activation": 94,
                             "MaxPooling2D": 4, "AveragePooling2D": 9, "Concatenate": 15,
                             "GlobalAveragePooling2D": 1, "Dense": 1}
    names = {layer.name for layer in model.layers}
    expected = {"input_1", "avg_pool", "predictions", "mixed9_0", "mixed9_1", "concatenate_1", "concatenate_2"}
    expected |= {f"mixed{i}" for i in range(11)}
    for prefix in ("conv2d", "batch_normalization", "activation"):
        expected |= {f"{prefix}_{i}" for i in range(1, 95)}
    expected |= {f"max_pooling2d_{i}" for i in range(1, 5)} | {f"average_pooling2d_{i}" for i in range(1, 10)}
    assert names == expected
    assert [layer.name for layer in model.layers[:11]] == [
        "input_1", "conv2d_1", "batch_normalization_1", "activation_1", "conv2d_2", "batch_normalization_2",
        "activation_2", "conv2d_3", "batch_normalization_3", "activation_3", "max_pooling2d_1"]
    assert [layer.name for layer in model.layers[-3:]] == ["mixed10", "avg_pool", "predictions"]
    # require_flatten=False: without input_shape the spatial size stays open, even with the top
    assert model.input_shape == (None, None, None, 3)
    bn = model.get_layer("batch_normalization_1")
    assert (bn.axis, bn.epsilon, bn.scale, bn.center) == (3, 1e-3, False, True)
    assert model.get_layer("conv2d_1").use_bias is False
    assert model.get_layer("mixed10").output_shape == (None, None, None, 2048)
    assert model.get_layer("mixed0").output_shape == (None, None, None, 256)  # 64 + 64 + 96 + 32


def test_xception_with_top(xception_top):
    # 40 BatchNormalization layers (default axis=-1, scale and center) over 27,264 channels: 54,528 moving
    # statistics; predictions = 2048*1000 + 1000 on 20,861,480.
    model = xception_top
    assert _counts(model) == (22910480, 22910480 - 54528, 54528)
    assert model.name == "xception"
    assert len(model.layers) == 134
    # convolutions: block1 x2 + 4 residual projections; separable: blocks 2-4 x2, 5-12 x3, 13 x2, 14 x2 = 34
    assert _types(model) == {"InputLayer": 1, "Conv2D": 6, "SeparableConv2D": 34, "BatchNormalization": 40,
                             "Activation": 35, "MaxPooling2D": 4, "Add": 12, "GlobalAveragePooling2D": 1,
                             "Dense": 1}
    names = {layer.name for layer in model.layers}
    expected = {"input_1", "block1_conv1", "block1_conv1_bn", "block1_conv1_act", "block1_conv2", "block1_conv2_bn",
                "block1_conv2_act", "avg_pool", "predictions"}
    for b, n in [(2, 2), (3, 2), (4, 2)] + [(b, 3) for b in range(5, 13)] + [(13, 2), (14, 2)]:
        expected |= {f"block{b}_sepconv{i}" for i in range(1, n + 1)}
        expected |= {f"block{b}_sepconv{i}_bn" for i in range(1, n + 1)}
        expected |= {f"block{b}_sepconv{i}_act" for i in range(1, n + 1)}
    expected -= {"block2_sepconv1_act"}  # block 2 starts without a ReLU
    expected |= {f"block{b}_pool" for b in (2, 3, 4, 13)}
    expected |= {f"conv2d_{i}" for i in range(1, 5)} | {f"batch_normalization_{i}" for i in range(1, 5)}
    expected |= {f"add_{i}" for i in range(1, 13)}
    assert names == expected
    assert model.input_shape == (None, None, None, 3)
    bn = model.get_layer("block1_conv1_bn")
    assert (bn.axis, bn.epsilon, bn.scale) == (-1, 1e-3, True)
    assert model.get_layer("block2_sepconv1").use_bias is False
    assert model.get_layer("conv2d_1").strides == (2, 2) and model.get_layer("conv2d_1").padding == "same"


# -- without the top: pooling heads and output shapes -------------------------------------------------------------

# (VGG16's three heads are built in test_pooling_heads_compute_the_spatial_mean_and_max, ResNet50's 'max' in
# test_input_tensor_builds_on_a_keras_tensor_and_keeps_its_sources: each build costs its initializers.)
@pytest.mark.parametrize("builder, input_shape, pooling, want, last", [
    ("VGG19", (48, 40, 3), "avg", (None, 512), "GlobalAveragePooling2D"),
    ("ResNet50", (32, 32, 3), "avg", (None, 2048), "GlobalAveragePooling2D"),
    ("InceptionV3", (75, 75, 3), None, (None, 1, 1, 2048), "mixed10"),
    ("InceptionV3", (75, 99, 3), "avg", (None, 2048), "GlobalAveragePooling2D"),
    ("InceptionV3", (75, 75, 3), "max", (None, 2048), "GlobalMaxPooling2D"),
    ("Xception", (71, 71, 3), None, (None, 3, 3, 2048), "block14_sepconv2_act"),
    ("Xception", (71, 71, 3), "avg", (None, 2048), "GlobalAveragePooling2D"),
    ("Xception", (100, 71, 3), "max", (None, 2048), "GlobalMaxPooling2D"),
    ("Xception", (299, 299, 3), "anything else", (None, 10, 10, 2048), "block14_sepconv2_act"),
])
def test_include_top_false_pooling_output_shapes(nn, builder, input_shape, pooling, want, last):
    model = _fresh_build(nn, builder, include_top=False, input_shape=input_shape, pooling=pooling)
    assert model.output_shape == want
    assert last in (model.layers[-1].name, type(model.layers[-1]).__name__)
    # the bases: VGG19 = VGG16's 14,714,688 + 590,080 + 2 x 2,359,808; the others are their tops' counts less
    # the 2048 x 1000 + 1000 = 2,049,000 of the last Dense
    assert model.count_params() == {"VGG19": 20024384, "ResNet50": 23587712, "InceptionV3": 21802784,
                                    "Xception": 20861480}[builder]


@pytest.mark.parametrize("builder, last_conv_features", [("VGG16", 512), ("InceptionV3", 2048), ("Xception", 2048)])
def test_include_top_false_without_input_shape_is_fully_convolutional(nn, builder, last_conv_features):
    model = _fresh_build(nn, builder, include_top=False)
    assert model.input_shape == (None, None, None, 3)
    assert model.output_shape == (None, None, None, last_conv_features)


def test_resnet50_without_top_and_pooling_warns_as_keras_2_2_4(nn):
    with pytest.warns(UserWarning, match=r"The output shape of `ResNet50\(include_top=False\)` has been changed "
                                         r"since Keras 2\.2\.0"):
        model = _fresh_build(nn, "ResNet50", include_top=False)
    assert model.input_shape == (None, None, None, 3)
    assert model.output_shape == (None, None, None, 2048)
    assert model.get_layer("activation_49") is model.layers[-1]


def test_pooling_heads_compute_the_spatial_mean_and_max(nn):
    """'avg' / 'max' are global pooling over the last feature map: the same weights, pooled by hand."""
    x = np.random.RandomState(1).uniform(0, 255, size=(1, 64, 32, 3)).astype("float32")
    nn.random.seed(3)
    plain = _fresh_build(nn, "VGG16", include_top=False, input_shape=(64, 32, 3))
    features = plain.predict(x)
    assert features.shape == (1, 2, 1, 512)
    for pooling, reduce, last in (("avg", np.mean, "GlobalAveragePooling2D"), ("max", np.max, "GlobalMaxPooling2D")):
        model = _fresh_build(nn, "VGG16", include_top=False, input_shape=(64, 32, 3), pooling=pooling)
        assert model.output_shape == (None, 512) and type(model.layers[-1]).__name__ == last
        model.set_weights(plain.get_weights())
        np.testing.assert_allclose(model.predict(x), reduce(features, axis=(1, 2)), rtol=1e-6, atol=1e-6)


def test_classes_sets_the_size_of_the_top(nn):
    model = _fresh_build(nn, "InceptionV3", classes=7, input_shape=(75, 75, 3))
    assert model.output_shape == (None, 7)
    assert model.count_params() == 23851784 - 2049000 + 2048 * 7 + 7


def test_weights_none_gives_random_initial_weights_from_the_seeded_host_generator(nn):
    nn.random.seed(11)
    a = _fresh_build(nn, "VGG16", include_top=False, input_shape=(32, 32, 3)).get_weights()
    nn.random.seed(11)
    b = _fresh_build(nn, "VGG16", include_top=False, input_shape=(32, 32, 3)).get_weights()
    c = _fresh_build(nn, "VGG16", include_top=False, input_shape=(32, 32, 3)).get_weights()
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    assert not np.array_equal(a[0], c[0])
    # glorot_uniform kernels, zero biases (Conv2D defaults)
    limit = np.sqrt(6.0 / (3 * 3 * 3 + 3 * 3 * 64))
    assert a[0].shape == (3, 3, 3, 64) and np.abs(a[0]).max() <= limit and np.abs(a[0]).max() > 0.9 * limit
    assert not a[1].any()


# -- input tensors and data formats -------------------------------------------------------------------------------

def test_input_tensor_builds_on_a_keras_tensor_and_keeps_its_sources(nn):
    inp = nn.layers.Input(shape=(40, 40, 3), name="image")
    t = nn.layers.Cropping2D(cropping=((4, 4), (4, 4)), name="crop")(inp)
    model = nn.applications.VGG16(weights=None, include_top=False, input_tensor=t, pooling="avg")
    assert len(model.inputs) == 1 and model.inputs[0] is inp
    assert model.input_shape == (None, 40, 40, 3)
    assert [layer.name for layer in model.layers[:3]] == ["image", "crop", "block1_conv1"]
    assert model.output_shape == (None, 512)
    # an Input tensor is its own source; its size is not checked against input_shape (as Keras)
    inp = nn.layers.Input(shape=(32, 32, 3))
    direct = nn.applications.ResNet50(weights=None, include_top=False, input_tensor=inp, pooling="max")
    assert direct.inputs[0] is inp and direct.output_shape == (None, 2048)


def test_input_tensor_must_be_a_keras_tensor(nn):
    with pytest.raises(ValueError, match="input_tensor must be a Keras tensor"):
        nn.applications.VGG16(weights=None, include_top=False, input_tensor=np.zeros((1, 32, 32, 3), "float32"))


def test_channels_first_models_put_channels_on_axis_1(nn):
    old = nn.backend.image_data_format()
    nn.backend.set_image_data_format("channels_first")
    try:
        model = _fresh_build(nn, "VGG16", include_top=False, input_shape=(3, 64, 32))
        assert model.input_shape == (None, 3, 64, 32)
        assert model.output_shape == (None, 512, 2, 1)
        assert model.get_layer("block1_conv1").data_format == "channels_first"
        with pytest.raises(ValueError, match=r"at least 32x32; got `input_shape=\(3, 31, 32\)`"):
            nn.applications.VGG16(weights=None, include_top=False, input_shape=(3, 31, 32))
        inception = _fresh_build(nn, "InceptionV3", include_top=False, input_shape=(3, 75, 75))
        assert inception.output_shape == (None, 2048, 1, 1)
        assert inception.get_layer("batch_normalization_1").axis == 1
    finally:
        nn.backend.set_image_data_format(old)


def test_xception_is_channels_last_only_and_restores_the_data_format(nn):
    old = nn.backend.image_data_format()
    nn.backend.set_image_data_format("channels_first")
    try:
        with pytest.warns(UserWarning, match='The Xception model is only available for the input data format '
                                             '"channels_last"'):
            model = _fresh_build(nn, "Xception", include_top=False, input_shape=(71, 71, 3))
        assert model.output_shape == (None, 3, 3, 2048)
        assert nn.backend.image_data_format() == "channels_first"
    finally:
        nn.backend.set_image_data_format(old)


# -- argument and input-shape errors (Keras 2.2.4's messages) -----------------------------------------------------

@pytest.mark.parametrize("builder, min_size, ok", [
    ("VGG16", 32, (32, 32, 3)), ("VGG19", 32, (32, 32, 3)), ("ResNet50", 32, (32, 32, 3)),
    ("InceptionV3", 75, (75, 75, 3)), ("Xception", 71, (71, 71, 3))])
def test_minimum_input_size(nn, builder, min_size, ok):
    for bad in ((min_size - 1, min_size, 3), (min_size, min_size - 1, 3)):
        with pytest.raises(ValueError, match=re.escape(f"Input size must be at least {min_size}x{min_size}; got "
                                                       f"`input_shape={bad}`")):
            getattr(nn.applications, builder)(weights=None, include_top=False, input_shape=bad)
    # unknown (None) sizes are not checked against the minimum
    f = nn.applications.imagenet_utils._obtain_input_shape
    assert f((None, min_size, 3), 299, min_size, "channels_last", False) == (None, min_size, 3)
    assert f(ok, 299, min_size, "channels_last", False) == ok


def test_input_shape_errors(nn):
    A = nn.applications
    with pytest.raises(ValueError, match=re.escape("`input_shape` must be a tuple of three integers.")):
        A.VGG16(weights=None, include_top=False, input_shape=(64, 64))
    with pytest.raises(ValueError, match=re.escape("If `include_top` is True, you should specify a static "
                                                   "`input_shape`. Got `input_shape=(None, None, 3)`")):
        A.VGG16(weights=None, input_shape=(None, None, 3))
    with pytest.raises(ValueError, match=re.escape("The input must have 3 channels; got "
                                                   "`input_shape=(64, 64, 1)`")):
        A.VGG16(weights="imagenet", include_top=False, input_shape=(64, 64, 1))
    with pytest.raises(ValueError, match=re.escape("When setting`include_top=True` and loading `imagenet` weights, "
                                                   "`input_shape` should be (224, 224, 3).")):
        A.ResNet50(weights="imagenet", input_shape=(150, 150, 3))
    with pytest.raises(ValueError, match="The `weights` argument should be either `None` \\(random initialization\\), "
                                         "`imagenet` \\(pre-training on ImageNet\\), or the path to the weights file"):
        A.VGG19(weights="/no/such/file.h5")
    with pytest.raises(ValueError, match=re.escape('If using `weights` as `"imagenet"` with `include_top` as true, '
                                                   "`classes` should be 1000")):
        A.Xception(weights="imagenet", classes=10)


def test_obtain_input_shape_rules(nn):
    """keras_applications' ``_obtain_input_shape``: defaults, ImageNet's fixed shape, channel warnings."""
    f = nn.applications.imagenet_utils._obtain_input_shape
    assert f(None, 224, 32, "channels_last", True) == (224, 224, 3)
    assert f(None, 224, 32, "channels_first", True) == (3, 224, 224)
    assert f(None, 224, 32, "channels_last", False) == (None, None, 3)
    assert f(None, 224, 32, "channels_first", False) == (3, None, None)
    assert f(None, 224, 32, "channels_last", True, weights="imagenet") == (224, 224, 3)
    assert f((224, 224, 3), 224, 32, "channels_last", True, weights="imagenet") == (224, 224, 3)
    assert f((150, 150, 3), 224, 32, "channels_last", False, weights="imagenet") == (150, 150, 3)
    assert f((150, 150, 1), 224, 32, "channels_last", True) == (150, 150, 1)
    # a list is compared as a tuple (Keras' `input_shape != default_shape` made every list "different")
    assert f([224, 224, 3], 224, 32, "channels_last", True, weights="imagenet") == (224, 224, 3)
    with pytest.warns(UserWarning, match="This model usually expects 1 or 3 input channels. However, it was passed "
                                         "an input_shape with 4 input channels."):
        assert f((64, 64, 4), 224, 32, "channels_last", False) == (64, 64, 4)
    with pytest.warns(UserWarning, match="with 5 input channels"):
        assert f((5, 64, 64), 224, 32, "channels_first", False) == (5, 64, 64)


@pytest.mark.parametrize("builder, top_file, notop_file", [
    ("VGG16", "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("VGG19", "vgg19_weights_tf_dim_ordering_tf_kernels.h5", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("ResNet50", "resnet50_weights_tf_dim_ordering_tf_kernels.h5",
     "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("InceptionV3", "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
     "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"),
    ("Xception", "xception_weights_tf_dim_ordering_tf_kernels.h5",
     "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"),
])
def test_imagenet_weights_are_never_downloaded(nn, builder, top_file, notop_file):
    fn = getattr(nn.applications, builder)
    for kwargs, name in (({}, top_file), ({"include_top": False}, notop_file)):
        with pytest.raises(nn.applications.PretrainedWeightsUnavailableError) as info:
            fn(**kwargs)  # weights='imagenet' is the default
        message = str(info.value)
        assert name in message and "never downloads" in message and "local path" in message
        assert isinstance(info.value, FileNotFoundError)


# -- weights from a local HDF5 file -------------------------------------------------------------------------------

def test_weights_from_a_local_hdf5_file(nn, tmp_path):
    h5py = pytest.importorskip("h5py")
    nn.random.seed(5)
    base = _fresh_build(nn, "VGG16", include_top=False, input_shape=(32, 32, 3))
    path = tmp_path / "vgg16_conv_base.h5"
    base.save_weights(str(path))
    x = np.random.RandomState(2).uniform(0, 255, size=(2, 32, 32, 3)).astype("float32")
    want = base.predict(x)

    loaded = nn.applications.VGG16(weights=str(path), include_top=False, input_shape=(32, 32, 3))
    assert all(np.array_equal(a, b) for a, b in zip(loaded.get_weights(), base.get_weights()))
    np.testing.assert_array_equal(loaded.predict(x), want)

    # keras_applications loads with model.load_weights(path): layers with weights in order, not by name
    renamed = tmp_path / "renamed.h5"
    with h5py.File(path, "r") as src, h5py.File(renamed, "w") as dst:
        names = [n.decode() if isinstance(n, bytes) else n for n in src.attrs["layer_names"]]
        for key, value in src.attrs.items():
            dst.attrs[key] = value
        dst.attrs["layer_names"] = [f"renamed_{n}".encode() for n in names]
        for n in names:
            src.copy(src[n], dst, name=f"renamed_{n}")
    # (a pathlib path, another input size and a pooling head: the convolution weights do not depend on them)
    again = nn.applications.VGG16(weights=renamed, include_top=False, input_shape=(64, 48, 3), pooling="max")
    assert all(np.array_equal(a, b) for a, b in zip(again.get_weights(), base.get_weights()))


# -- preprocess_input ---------------------------------------------------------------------------------------------

PIXEL = [10.0, 20.0, 30.0]  # R, G, B


def _caffe(r, g, b):
    """BGR order, minus the ImageNet BGR means, by hand."""
    return [b - 103.939, g - 116.779, r - 123.68]


def test_preprocess_caffe_mode_values(nn):
    P = nn.applications.imagenet_utils.preprocess_input
    x = np.array([[[PIXEL, [255.0, 0.0, 128.0]]]])  # (1, 1, 2, 3) float64, channels_last
    out = P(x.copy(), data_format="channels_last", mode="caffe")
    np.testing.assert_array_equal(out, [[[_caffe(10.0, 20.0, 30.0), _caffe(255.0, 0.0, 128.0)]]])
    # a single image (3-D) too
    np.testing.assert_array_equal(P(np.array([[PIXEL]]), data_format="channels_last"), [[_caffe(10.0, 20.0, 30.0)]])
    # channels_first: channels on axis 1 (batch) or 0 (image)
    cf = np.array(PIXEL).reshape(1, 3, 1, 1)
    np.testing.assert_array_equal(P(cf.copy(), data_format="channels_first")[:, :, 0, 0], [_caffe(10.0, 20.0, 30.0)])
    np.testing.assert_array_equal(P(np.array(PIXEL).reshape(3, 1, 1), data_format="channels_first")[:, 0, 0],
                                  _caffe(10.0, 20.0, 30.0))


def test_preprocess_tf_and_torch_mode_values(nn):
    P = nn.applications.imagenet_utils.preprocess_input
    x = np.array([[[[0.0, 127.5, 255.0], [51.0, 204.0, 25.5]]]])
    np.testing.assert_array_equal(P(x.copy(), data_format="channels_last", mode="tf"),
                                  [[[[-1.0, 0.0, 1.0], [51.0 / 127.5 - 1.0, 204.0 / 127.5 - 1.0, 25.5 / 127.5 - 1.0]]]])
    torch = P(x.copy(), data_format="channels_last", mode="torch")
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    want = [[[[(v / 255.0 - mean[c]) / std[c] for c, v in enumerate(px)] for px in x[0, 0]]]]
    np.testing.assert_array_equal(torch, want)
    np.testing.assert_allclose(torch[0, 0, 0], [-0.485 / 0.229, (0.5 - 0.456) / 0.224, (1 - 0.406) / 0.225])
    cf = P(x[0, 0].T.reshape(3, 1, 2).copy(), data_format="channels_first", mode="torch")
    np.testing.assert_array_equal(cf[:, 0, :].T, want[0][0])


def test_preprocess_dtypes_and_in_place_writes(nn):
    """Integer arrays are converted to floatx (the input is untouched); float arrays are written over, as Keras."""
    P = nn.applications.imagenet_utils.preprocess_input
    u8 = np.array([[[[10, 20, 30]]]], dtype=np.uint8)
    out = P(u8, data_format="channels_last")
    assert out.dtype == np.float32 and u8.tolist() == [[[[10, 20, 30]]]]
    f32 = np.float32
    np.testing.assert_array_equal(out[0, 0, 0], [f32(30) - f32(103.939), f32(20) - f32(116.779), f32(10) - f32(123.68)])
    x = np.array([[[PIXEL]]], dtype=np.float64)
    out = P(x, data_format="channels_last", mode="tf")
    assert out is x and x[0, 0, 0, 0] == 10.0 / 127.5 - 1.0
    # 'caffe' returns the channel-reversed view of the input and writes through it
    x = np.array([[[PIXEL]]])
    out = P(x, data_format="channels_last")
    assert out.base is x
    np.testing.assert_array_equal(x[0, 0, 0], [10.0 - 123.68, 20.0 - 116.779, 30.0 - 103.939])
    # a mode other than 'tf' and 'torch' is 'caffe'
    np.testing.assert_array_equal(P(np.array([[PIXEL]]), data_format="channels_last", mode="anything"),
                                  [[_caffe(10.0, 20.0, 30.0)]])
    with pytest.raises(ValueError, match="Unknown data_format channels_middle"):
        P(np.zeros((1, 2, 2, 3)), data_format="channels_middle")
    with pytest.raises(TypeError, match="preprocess_input: expected a NumPy"):
        P([[PIXEL]])


def test_preprocess_default_data_format_is_image_data_format(nn):
    P = nn.applications.imagenet_utils.preprocess_input
    x = np.array(PIXEL).reshape(1, 3, 1, 1)
    old = nn.backend.image_data_format()
    nn.backend.set_image_data_format("channels_first")
    try:
        np.testing.assert_array_equal(P(x.copy())[0, :, 0, 0], _caffe(10.0, 20.0, 30.0))
    finally:
        nn.backend.set_image_data_format(old)


def test_each_model_module_preprocesses_with_its_mode(nn):
    A = nn.applications
    x = np.array([[[PIXEL]]])
    for module in (A.vgg16, A.vgg19, A.resnet50):
        np.testing.assert_array_equal(module.preprocess_input(x.copy(), data_format="channels_last"),
                                      [[[_caffe(10.0, 20.0, 30.0)]]])
    for module in (A.inception_v3, A.xception):
        np.testing.assert_array_equal(module.preprocess_input(x.copy()), [[[[v / 127.5 - 1.0 for v in PIXEL]]]])
        with pytest.raises(TypeError):
            module.preprocess_input(x.copy(), mode="caffe")  # Keras: the mode is fixed
    assert A.vgg16.decode_predictions is A.imagenet_utils.decode_predictions


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_preprocess_tensors_match_arrays(nn, mode, data_format):
    """Keras' symbolic path on tensors (new tensors, the same float32 values as the array path)."""
    P = nn.applications.imagenet_utils.preprocess_input
    x = np.random.RandomState(0).uniform(0, 255, size=(2, 3, 4, 5)).astype("float32")
    if data_format == "channels_last":
        x = x.transpose(0, 2, 3, 1).copy()
    t = nn.constant(x)
    out = P(t, data_format=data_format, mode=mode)
    assert isinstance(out, nn.Tensor) and out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), P(x.copy(), data_format=data_format, mode=mode))
    np.testing.assert_array_equal(t.numpy(), x)  # tensors are not written over
    # integer tensors are cast to floatx first, as integer arrays are
    u8 = np.round(x).astype(np.uint8)
    np.testing.assert_array_equal(P(nn.constant(u8), data_format=data_format, mode=mode).numpy(),
                                  P(u8, data_format=data_format, mode=mode))


def test_preprocess_float64_tensors_add_the_float32_mean_as_keras(nn):
    """Keras adds ``K.constant(-mean)`` (floatx) cast to the input's dtype: float64 tensors see float32 means."""
    P = nn.applications.imagenet_utils.preprocess_input
    out = P(nn.constant(np.array([[[PIXEL]]])), data_format="channels_last").numpy()
    f64 = np.float64
    want = [30.0 + f64(np.float32(-103.939)), 20.0 + f64(np.float32(-116.779)), 10.0 + f64(np.float32(-123.68))]
    np.testing.assert_array_equal(out[0, 0, 0], want)


# -- decode_predictions -------------------------------------------------------------------------------------------

def _write_class_index(folder):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    index["386"] = ["n02504458", "African_elephant"]
    index["101"] = ["n01871265", "tusker"]
    index["385"] = ["n02504013", "Indian_elephant"]
    (folder / "imagenet_class_index.json").write_text(json.dumps(index))


def test_decode_predictions_reads_the_class_index_from_the_data_cache(nn, tmp_path, monkeypatch):
    monkeypatch.setenv("NNSPEC_DATA", str(tmp_path))
    _write_class_index(tmp_path)
    preds = np.full((2, 1000), 1e-6, dtype=np.float32)
    # the book's elephant (DLwP L5231-L5248): African_elephant 0.92546833, tusker 0.070257246, Indian 0.0042589349
    preds[0, [386, 101, 385]] = [0.92546833, 0.070257246, 0.0042589349]
    preds[1, [7, 3, 999, 500]] = [0.1, 0.4, 0.3, 0.2]
    decoded = nn.applications.vgg16.decode_predictions(preds, top=3)
    assert decoded[0] == [("n02504458", "African_elephant", np.float32(0.92546833)),
                          ("n01871265", "tusker", np.float32(0.070257246)),
                          ("n02504013", "Indian_elephant", np.float32(0.0042589349))]
    assert decoded[1] == [("n00000003", "class_3", np.float32(0.4)), ("n00000999", "class_999", np.float32(0.3)),
                          ("n00000500", "class_500", np.float32(0.2))]
    assert isinstance(decoded[0][0][2], np.float32)
    five = nn.applications.imagenet_utils.decode_predictions(preds)
    assert [len(r) for r in five] == [5, 5] and [e[1] for e in five[1][:4]] == [
        "class_3", "class_999", "class_500", "class_7"]
    # a tensor of predictions too
    assert nn.applications.xception.decode_predictions(nn.constant(preds), top=1) == [
        [decoded[0][0]], [decoded[1][0]]]


def test_decode_predictions_errors(nn, tmp_path, monkeypatch):
    monkeypatch.setenv("NNSPEC_DATA", str(tmp_path))
    D = nn.applications.imagenet_utils.decode_predictions
    with pytest.raises(ValueError, match=re.escape("expects a batch of predictions (i.e. a 2D array of shape "
                                                   "(samples, 1000)). Found array with shape: (2, 10)")):
        D(np.zeros((2, 10)))
    with pytest.raises(ValueError, match=re.escape("Found array with shape: (1000,)")):
        D(np.zeros(1000))
    with pytest.raises(nn.datasets.DatasetNotFoundError) as info:
        D(np.zeros((1, 1000)))
    assert str(tmp_path / "imagenet_class_index.json") in str(info.value)
    assert "never downloads" in str(info.value)
    assert isinstance(info.value, FileNotFoundError)


# -- implementations ----------------------------------------------------------------------------------------------

def test_bound_namespaces_build_in_their_implementation():
    """``nnspec.accel.applications`` is the reference's with ``impl`` bound: a stand-in implementation shows it."""
    from harness.standin import StandInArray, make_standin
    impl, S = make_standin("standin_applications")
    model = S.applications.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3), pooling="avg")
    assert all(type(w.data) is StandInArray for w in model.weights)
    x = np.full((1, 1, 1, 3), 51.0).view(StandInArray)
    assert type(S.applications.xception.preprocess_input(x)) is StandInArray
