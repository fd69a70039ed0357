"""Vision ops (vision.*): ROI pooling, box filtering and NMS, SSD priors, YOLO reorg.

Relax 0.27 has roi_align, roi_pool, get_valid_counts, non_max_suppression and
all_class_non_max_suppression with Relay's attributes; Relay passes some of them (score and IoU
thresholds, max_output_size) as constant arguments, which become Relax attributes. Relax lacks
multibox_prior and yolo_reorg: multibox_prior depends only on the input's shape, so its anchors are
computed here (float32, as Relay's hybrid script) and become a constant; yolo_reorg is darknet's reorg,
whose TOPI compute indexes the input as a flat buffer: a take from the flattened input at indices
computed here. Relax's multibox_transform_loc is TFLite's decode (other inputs and outputs than Relay's):
Relay's (MXNet SSD) is composed of Relax ops.
"""

from __future__ import annotations

import numpy as np
from tvm import relax
from tvm.relax import op as R

from ._common import constant_array
from .registry import translator, unsupported


def _scalar(ctx, expr, what: str):
    value = constant_array(expr)
    if value is None:
        ctx.fail(f"{what} must be a constant (Relax takes it as an attribute)")
    return value.reshape(()).item()


@translator("vision.roi_align", relax="R.vision.roi_align",
            attrs="pooled_size, spatial_scale, sample_ratio, layout, mode: the same; aligned: False (Relay has none)")
def translate_roi_align(ctx, call, args):
    a = call.attrs
    return R.vision.roi_align(args[0], args[1], [int(s) for s in a["pooled_size"]], float(a["spatial_scale"]),
                              int(a["sample_ratio"]), False, a["layout"], a["mode"])


@translator("vision.roi_pool", relax="R.vision.roi_pool", attrs="pooled_size, spatial_scale, layout: the same")
def translate_roi_pool(ctx, call, args):
    a = call.attrs
    return R.vision.roi_pool(args[0], args[1], [int(s) for s in a["pooled_size"]], float(a["spatial_scale"]),
                             a["layout"])


@translator("vision.get_valid_counts", relax="R.vision.get_valid_counts",
            attrs="score_threshold (a constant argument): the attribute; id_index, score_index: the same")
def translate_get_valid_counts(ctx, call, args):
    a = call.attrs
    threshold = _scalar(ctx, args[1], "score_threshold")
    return R.vision.get_valid_counts(args[0], float(threshold), int(a["id_index"]), int(a["score_index"]))


@translator("vision.non_max_suppression", relax="R.vision.non_max_suppression",
            attrs="max_output_size, iou_threshold (constant arguments): attributes; force_suppress, top_k, "
                  "coord_start, score_index, id_index, return_indices, invalid_to_bottom: the same")
def translate_non_max_suppression(ctx, call, args):
    a = call.attrs
    max_output_size = int(_scalar(ctx, args[3], "max_output_size"))
    iou_threshold = float(_scalar(ctx, args[4], "iou_threshold"))
    return R.vision.non_max_suppression(
        args[0], args[1], args[2], max_output_size, iou_threshold, bool(a["force_suppress"]), int(a["top_k"]),
        int(a["coord_start"]), int(a["score_index"]), int(a["id_index"]), bool(a["return_indices"]),
        bool(a["invalid_to_bottom"]))


@translator("vision.all_class_non_max_suppression", relax="R.vision.all_class_non_max_suppression",
            attrs="max_output_boxes_per_class, iou_threshold, score_threshold: the same arguments; output_format")
def translate_all_class_nms(ctx, call, args):
    return R.vision.all_class_non_max_suppression(*args[:5], output_format=call.attrs["output_format"])


def multibox_anchors(height: int, width: int, sizes, ratios, steps, offsets) -> np.ndarray:
    """Relay's hybrid_multibox_prior, in float32: (1, h * w * (sizes + ratios - 1), 4) boxes."""
    f32 = np.float32
    sizes, ratios = [f32(s) for s in sizes], [f32(r) for r in ratios]
    step_h = f32(steps[0]) if steps[0] > 0 else f32(1.0) / f32(height)
    step_w = f32(steps[1]) if steps[1] > 0 else f32(1.0) / f32(width)
    per_cell = len(sizes) + len(ratios) - 1
    out = np.zeros((1, height * width * per_cell, 4), "float32")
    for i in range(height):
        center_h = (f32(i) + f32(offsets[0])) * step_h
        for j in range(width):
            center_w = (f32(j) + f32(offsets[1])) * step_w
            for k in range(per_cell):
                if k < len(sizes):
                    w = f32(sizes[k] * f32(height)) / f32(width) / f32(2.0)
                    h = sizes[k] / f32(2.0)
                else:
                    root = np.sqrt(ratios[k - len(sizes) + 1])
                    w = f32(sizes[0] * f32(height)) / f32(width) * root / f32(2.0)
                    h = sizes[0] / root / f32(2.0)
                out[0, (i * width + j) * per_cell + k] = [center_w - w, center_h - h, center_w + w, center_h + h]
    return out


@translator("vision.multibox_prior", relax="a constant (the anchors depend only on the input's shape)",
            status="composite", attrs="sizes, ratios, steps, offsets: the anchors; clip: clipped to [0, 1]",
            differs="Relax has no multibox_prior; the anchors are computed at translation time (float32)")
def translate_multibox_prior(ctx, call, args):
    a = call.attrs
    shape = ctx.shape(args[0])
    if not all(isinstance(d, int) for d in shape[2:4]):
        ctx.fail("needs a static height and width")
    anchors = multibox_anchors(shape[2], shape[3], a["sizes"], a["ratios"], a["steps"], a["offsets"])
    if a["clip"]:
        anchors = np.clip(anchors, 0.0, 1.0)
    return ctx.const(anchors, "float32")


def reorg_indices(shape, stride: int) -> np.ndarray:
    """The flat input offsets topi's reorg reads, in output order (it indexes the input as a flat buffer)."""
    batch, channels, height, width = shape
    out_c = channels // (stride * stride)
    b, k, j, i = np.meshgrid(*[np.arange(n) for n in shape], indexing="ij")
    c_idx = (k % out_c) * stride * stride
    h_idx = (j * stride + (k // out_c) // stride) * stride
    w_idx = i * stride + (k // out_c) % stride
    flat = ((b * stride * stride * channels + c_idx) * height + h_idx) * width + w_idx
    return flat.reshape(-1).astype("int64")


@translator("vision.yolo_reorg", relax="R.take(R.reshape(x, [-1]), offsets) reshaped", status="composite",
            attrs="stride: the offsets and the output shape (C * s * s, H / s, W / s)",
            differs="Relax has no reorg; the offsets of topi's (flat-buffer) compute are computed here")
def translate_yolo_reorg(ctx, call, args):
    x = args[0]
    shape = ctx.shape(x)
    stride = int(call.attrs["stride"])
    if len(shape) != 4 or not all(isinstance(d, int) for d in shape):
        ctx.fail("needs a static 4-d NCHW input")
    offsets = reorg_indices(shape, stride)
    total = int(np.prod(shape))
    if offsets.size and (offsets.min() < 0 or offsets.max() >= total):
        ctx.fail(f"stride {stride} makes Relay's reorg read outside the input for shape {list(shape)}")
    flat = ctx.emit(R.reshape(x, [total]))
    picked = ctx.emit(R.take(flat, ctx.const(offsets, "int64"), axis=0))
    n, c, h, w = shape
    return R.reshape(picked, [n, c * stride * stride, h // stride, w // stride])


@translator("vision.multibox_transform_loc",
            relax="best class (R.max/R.argmax), box decode (R.exp...), valid rows moved first (cumsum, argsort)",
            status="composite",
            attrs="clip: clip to [0, 1]; threshold: class 0 below it; variances: the decode; keep_background: "
                  "class 0 kept (else excluded and ids shifted by -1)",
            differs="Relax's multibox_transform_loc is TFLite's decode; this is Relay's (MXNet SSD). Relay leaves "
                    "the rows past valid_count uninitialized; here they are -1")
def translate_multibox_transform_loc(ctx, call, args):
    """Rows [class, score, xmin, ymin, xmax, ymax] of the anchors with a class, in anchor order, and their count."""
    a = call.attrs
    cls_prob, loc_pred, anchor = args
    batch, classes, anchors = ctx.shape(cls_prob)
    if not all(isinstance(d, int) for d in (batch, classes, anchors)):
        ctx.fail("needs static shapes")
    keep = bool(a["keep_background"])
    start = 0 if keep else 1
    f32 = ctx.dtype(cls_prob)

    def c(v, dtype=f32):
        return ctx.const(v, dtype)

    probs = cls_prob if start == 0 else ctx.emit(R.strided_slice(cls_prob, [1], [start], [classes]))
    best = ctx.emit(R.max(probs, axis=1))
    found = ctx.emit(R.greater(best, c(-1.0)))  # Relay starts from score -1, class 0
    score = ctx.emit(R.maximum(best, c(-1.0)))
    cls_id = ctx.emit(R.astype(ctx.emit(R.argmax(probs, axis=1)), f32))
    if start:
        cls_id = ctx.emit(R.add(cls_id, c(float(start))))
    cls_id = ctx.emit(R.where(found, cls_id, c(0.0)))
    below = ctx.emit(R.logical_and(ctx.emit(R.greater(cls_id, c(0.0))), ctx.emit(R.less(score, c(float(a["threshold"]))))))
    cls_id = ctx.emit(R.where(below, c(0.0), cls_id))
    label = cls_id if keep else ctx.emit(R.subtract(cls_id, c(1.0)))

    loc = ctx.emit(R.reshape(loc_pred, [batch, anchors, 4]))
    part = [ctx.emit(R.strided_slice(t, [2], [k], [k + 1])) for t in (anchor, loc) for k in range(4)]
    al, at, ar, ab, px, py, pw, ph = part
    vx, vy, vw, vh = [c(float(v)) for v in a["variances"]]
    aw, ah = ctx.emit(R.subtract(ar, al)), ctx.emit(R.subtract(ab, at))
    ax = ctx.emit(R.divide(ctx.emit(R.add(al, ar)), c(2.0)))
    ay = ctx.emit(R.divide(ctx.emit(R.add(at, ab)), c(2.0)))
    ox = ctx.emit(R.add(ctx.emit(R.multiply(ctx.emit(R.multiply(px, vx)), aw)), ax))
    oy = ctx.emit(R.add(ctx.emit(R.multiply(ctx.emit(R.multiply(py, vy)), ah)), ay))
    ow = ctx.emit(R.divide(ctx.emit(R.multiply(ctx.emit(R.exp(ctx.emit(R.multiply(pw, vw)))), aw)), c(2.0)))
    oh = ctx.emit(R.divide(ctx.emit(R.multiply(ctx.emit(R.exp(ctx.emit(R.multiply(ph, vh)))), ah)), c(2.0)))
    box = ctx.emit(R.concat([ctx.emit(R.subtract(ox, ow)), ctx.emit(R.subtract(oy, oh)), ctx.emit(R.add(ox, ow)),
                             ctx.emit(R.add(oy, oh))], axis=2))
    if a["clip"]:
        box = ctx.emit(R.clip(box, 0.0, 1.0))
    rows = ctx.emit(R.concat([ctx.emit(R.expand_dims(label, [2])), ctx.emit(R.expand_dims(score, [2])), box], axis=2))

    # valid rows first, in anchor order: a row's slot is its rank among the valid (or, after them, invalid) rows
    if keep:
        return relax.Tuple([rows, ctx.const(np.full((batch,), anchors, "int32"), "int32")])
    is_valid = ctx.emit(R.greater(cls_id, c(0.0)))
    valid = ctx.emit(R.astype(is_valid, "int32"))
    count = ctx.emit(R.sum(valid, axis=[1], keepdims=True))
    rank_valid = ctx.emit(R.cumsum(valid, axis=1))
    rank_invalid = ctx.emit(R.add(count, ctx.emit(R.cumsum(ctx.emit(R.subtract(c(1, "int32"), valid)), axis=1))))
    slot = ctx.emit(R.subtract(ctx.emit(R.where(is_valid, rank_valid, rank_invalid)),
                               c(1, "int32")))
    source = ctx.emit(R.argsort(slot, axis=1, dtype="int32"))  # the inverse permutation of `slot`
    gathered = ctx.emit(R.gather_elements(rows, ctx.emit(R.broadcast_to(ctx.emit(R.expand_dims(source, [2])),
                                                                        [batch, anchors, 6])), axis=1))
    filled = ctx.emit(R.less(ctx.const(np.arange(anchors, dtype="int32").reshape(1, anchors, 1), "int32"),
                             ctx.emit(R.expand_dims(count, [2]))))
    out = ctx.emit(R.where(filled, gathered, c(-1.0)))
    return relax.Tuple([out, ctx.emit(R.reshape(count, [batch]))])


unsupported("vision.proposal", reason="Relax and TOPI 0.27 have no region proposal op (anchors, box decode, NMS)",
            action="compose it from R.vision ops in a translator registered with migrate.register_translator")
unsupported("vision.regular_non_max_suppression",
            reason="Relax 0.27 has no per-class regular NMS with max_detections (TFLite's detection post-process)",
            action="use R.vision.all_class_non_max_suppression in a translator registered with "
                   "migrate.register_translator, or import the model through relax.frontend.tflite")


@translator("vision.invert_permutation", relax="R.argsort(x)", status="composite",
            differs="Relax has no invert_permutation; the argsort of a permutation is its inverse (the legacy "
                    "Relay here crashes on this op: reference derived from the v0.19 definition)")
def translate_invert_permutation(ctx, call, args):
    """out[x[i]] = i (topi.vision.invert_permutation): the indices that sort a permutation, in its dtype."""
    x = args[0]
    return R.argsort(x, axis=-1, descending=False, dtype=ctx.dtype(x))
