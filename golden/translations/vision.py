"""Expected Relax for op_mappings/vision.py.

roi_align/roi_pool/get_valid_counts/non_max_suppression/all_class_non_max_suppression are Relax ops with
Relay's attributes (Relay's constant threshold arguments become attributes; Relay's roi_align has no
`aligned`, i.e. False). multibox_prior's anchors depend only on the input's shape: a constant, computed
below from Relay's definition (hybrid_multibox_prior, float32). yolo_reorg is a take from the flattened
input at the flat offsets topi's reorg reads.
"""

import numpy as np
import tvm
from tvm import relax
from tvm.script import ir as I
from tvm.script import relax as R

from ._golden import expects, one_op, tensor

ROIS = f"x: {tensor((1, 2, 6, 6))}, rois: {tensor((2, 5))}"
one_op("vision.roi_align/basic", ROIS, 'R.vision.roi_align(x, rois, pooled_size=[2, 2], spatial_scale=0.5, '
       'sample_ratio=2, aligned=False, layout="NCHW", mode="avg")')
one_op("vision.roi_align/max_NHWC_adaptive_ratio", f"x: {tensor((1, 6, 6, 2))}, rois: {tensor((2, 5))}",
       'R.vision.roi_align(x, rois, pooled_size=[3, 2], spatial_scale=1.0, sample_ratio=-1, aligned=False, '
       'layout="NHWC", mode="max")')
one_op("vision.roi_pool/basic", ROIS, 'R.vision.roi_pool(x, rois, pooled_size=[2, 2], spatial_scale=0.5, layout="NCHW")')
one_op("vision.get_valid_counts/basic", f"data: {tensor((1, 5, 6))}",
       "R.vision.get_valid_counts(data, score_threshold=0.30000001192092896, id_index=0, score_index=1)")  # 0.3f

NMS = f"data: {tensor((1, 5, 6))}, valid_count: {tensor((1,), 'int32')}, indices: {tensor((1, 5), 'int32')}"
one_op("vision.non_max_suppression/basic", NMS,
       "R.vision.non_max_suppression(data, valid_count, indices, max_output_size=-1, iou_threshold=0.30000001192092896, "
       "force_suppress=False, top_k=-1, coord_start=2, score_index=1, id_index=0, return_indices=False, "
       "invalid_to_bottom=True)")
one_op("vision.non_max_suppression/return_indices_force_suppress", NMS,
       "R.vision.non_max_suppression(data, valid_count, indices, max_output_size=3, iou_threshold=0.20000000298023224, "
       "force_suppress=True, top_k=4, coord_start=2, score_index=1, id_index=0, return_indices=True, "
       "invalid_to_bottom=False)")
one_op("vision.all_class_non_max_suppression/tensorflow_format", f"boxes: {tensor((1, 5, 4))}, scores: {tensor((1, 2, 5))}",
       'R.vision.all_class_non_max_suppression(boxes, scores, R.const(3, "int32"), R.const(0.5, "float32"), '
       'R.const(0.20000000298023224, "float32"), output_format="tensorflow")')


# ---- yolo_reorg (1, 4, 2, 2), stride 2: out_c = 1; output (b, k, j, i) reads the flat input offset
# ((b*4*C + (k % 1)*4) * H + (j*2 + k // 2) * 2) * W + (i*2 + k % 2), i.e. k -> (k // 2) * 4 + k % 2 ...
# for b = j = i = 0: k = 0..3 -> 0, 1, 4, 5; the reshape to (1, 16, 1, 1) then reads them as 16 channels.
def _reorg_offsets():
    out = []
    for k in range(4):
        for j in range(2):
            for i in range(2):
                out.append(((k % 1) * 4 * 2 + (j * 2 + k // 2) * 2) * 2 + i * 2 + k % 2)
    return out


@expects("vision.yolo_reorg/basic")
@I.ir_module
class YoloReorg:
    @R.function
    def main(x: R.Tensor((1, 4, 2, 2), "float32")):
        with R.dataflow():
            lv = R.reshape(x, R.shape([16]))
            lv1 = R.take(lv, R.const(_reorg_offsets(), "int64"), axis=0, mode="fast")
            gv = R.reshape(lv1, R.shape([1, 16, 1, 1]))
            R.output(gv)
        return gv


# ---- multibox_prior: anchors (cx -+ w, cy -+ h) per cell, per size then per extra ratio, in float32
def _anchors(height, width, sizes, ratios, steps=(-1.0, -1.0), offsets=(0.5, 0.5), clip=False):
    f = np.float32
    step_h = f(steps[0]) if steps[0] > 0 else f(1.0) / f(height)
    step_w = f(steps[1]) if steps[1] > 0 else f(1.0) / f(width)
    half_sizes = [(f(f(s) * f(height)) / f(width) / f(2.0), f(s) / f(2.0)) for s in sizes]
    half_sizes += [(f(f(sizes[0]) * f(height)) / f(width) * np.sqrt(f(r)) / f(2.0), f(sizes[0]) / np.sqrt(f(r)) / f(2.0))
                   for r in ratios[1:]]
    rows = []
    for i in range(height):
        cy = (f(i) + f(offsets[0])) * step_h
        for j in range(width):
            cx = (f(j) + f(offsets[1])) * step_w
            rows += [[cx - w, cy - h, cx + w, cy + h] for w, h in half_sizes]
    out = np.array([rows], "float32")
    return np.clip(out, 0.0, 1.0) if clip else out


def _constant_main(name, shape, value):
    """main(x) returns the constant `value` (no binding: nothing is computed)."""
    bb = relax.BlockBuilder()
    with bb.function("main", [relax.Var(name, relax.TensorType(shape, "float32"))]):
        bb.emit_func_output(relax.const(value, "float32"))
    return bb.get()


expects("vision.multibox_prior/basic")(
    _constant_main("x", (1, 2, 3, 4), _anchors(3, 4, [0.5, 0.25], [1.0, 2.0])))
expects("vision.multibox_prior/steps_offsets_clip")(
    _constant_main("x", (1, 1, 2, 2), _anchors(2, 2, [0.8], [1.0, 0.5, 2.0], (0.5, 0.5), (0.25, 0.75), clip=True)))


# ---- multibox_transform_loc (Relay's MXNet-SSD decode; keep_background=False): the best non-background class
# per anchor (class 0 when its score is below `threshold`), the box decoded with the variances, then the rows
# with a class moved first in anchor order: slot = rank among valid rows (or count + rank among the others),
# and argsort(slot) is the inverse permutation that gathers them. Rows past the count are -1.
MULTIBOX = """
@I.ir_module
class Expected:
    @R.function
    def main(cls_prob: R.Tensor(({b}, 3, 4), "float32"), loc_pred: R.Tensor(({b}, 16), "float32"),
             anchor: R.Tensor((1, 4, 4), "float32")):
        with R.dataflow():
            probs = R.strided_slice(cls_prob, axes=[1], begin=[1], end=[3])
            best = R.max(probs, axis=[1])
            found = R.greater(best, R.const(-1.0, "float32"))
            score = R.maximum(best, R.const(-1.0, "float32"))
            arg = R.astype(R.argmax(probs, axis=1), "float32")
            cls1 = R.where(found, R.add(arg, R.const(1.0, "float32")), R.const(0.0, "float32"))
            below = R.logical_and(R.greater(cls1, R.const(0.0, "float32")), R.less(score, R.const({threshold}, "float32")))
            cls = R.where(below, R.const(0.0, "float32"), cls1)
            label = R.subtract(cls, R.const(1.0, "float32"))
            loc = R.reshape(loc_pred, R.shape([{b}, 4, 4]))
            al = R.strided_slice(anchor, axes=[2], begin=[0], end=[1])
            at = R.strided_slice(anchor, axes=[2], begin=[1], end=[2])
            ar = R.strided_slice(anchor, axes=[2], begin=[2], end=[3])
            ab = R.strided_slice(anchor, axes=[2], begin=[3], end=[4])
            px = R.strided_slice(loc, axes=[2], begin=[0], end=[1])
            py = R.strided_slice(loc, axes=[2], begin=[1], end=[2])
            pw = R.strided_slice(loc, axes=[2], begin=[2], end=[3])
            ph = R.strided_slice(loc, axes=[2], begin=[3], end=[4])
            aw = R.subtract(ar, al)
            ah = R.subtract(ab, at)
            ax = R.divide(R.add(al, ar), R.const(2.0, "float32"))
            ay = R.divide(R.add(at, ab), R.const(2.0, "float32"))
            ox = R.add(R.multiply(R.multiply(px, R.const({vx}, "float32")), aw), ax)
            oy = R.add(R.multiply(R.multiply(py, R.const({vy}, "float32")), ah), ay)
            ow = R.divide(R.multiply(R.exp(R.multiply(pw, R.const({vw}, "float32"))), aw), R.const(2.0, "float32"))
            oh = R.divide(R.multiply(R.exp(R.multiply(ph, R.const({vh}, "float32"))), ah), R.const(2.0, "float32"))
            box = R.concat((R.subtract(ox, ow), R.subtract(oy, oh), R.add(ox, ow), R.add(oy, oh)), axis=2)
            {clip}
            rows = R.concat((R.expand_dims(label, axis=[2]), R.expand_dims(score, axis=[2]), box), axis=2)
            is_valid = R.greater(cls, R.const(0.0, "float32"))
            valid = R.astype(is_valid, "int32")
            count = R.sum(valid, axis=[1], keepdims=True)
            rank_valid = R.cumsum(valid, axis=1)
            rank_invalid = R.add(count, R.cumsum(R.subtract(R.const(1, "int32"), valid), axis=1))
            slot = R.subtract(R.where(is_valid, rank_valid, rank_invalid), R.const(1, "int32"))
            source = R.argsort(slot, axis=1, dtype="int32")
            gathered = R.gather_elements(rows, R.broadcast_to(R.expand_dims(source, axis=[2]), R.shape([{b}, 4, 6])), axis=1)
            filled = R.less(R.const([[[0], [1], [2], [3]]], "int32"), R.expand_dims(count, axis=[2]))
            out = R.where(filled, gathered, R.const(-1.0, "float32"))
            n = R.reshape(count, R.shape([{b}]))
            R.output(out, n)
        return (out, n)
"""


def multibox_transform_loc(b, threshold, variances, clip):
    vx, vy, vw, vh = (float(np.float32(v)) for v in variances)
    clip_line = 'box = R.clip(box, 0.0, 1.0)' if clip else ''
    source = MULTIBOX.format(b=b, threshold=float(np.float32(threshold)), vx=vx, vy=vy, vw=vw, vh=vh,
                             clip=clip_line)
    return tvm.script.from_source(source, extra_vars={"I": I, "R": R})


# Relay's defaults: clip True, variances (0.1, 0.1, 0.2, 0.2), keep_background False
expects("vision.multibox_transform_loc/basic")(multibox_transform_loc(1, 0.2, (0.1, 0.1, 0.2, 0.2), True))
# Not registered with `expects`: Relay leaves the rows past valid_count uninitialized, so the numeric
# comparison of this bundle (tests/op_mappings/test_vision.py) only looks at the valid rows and the count.
MULTIBOX_COMPACTS = multibox_transform_loc(2, 0.5, (0.2, 0.1, 0.3, 0.25), False)
