"""Small transformer-style models for the nightly zoo, exported to ONNX from the CPU torch.

Three models with random weights drawn from a fixed seed (nothing is downloaded):

    bert  BERT-like encoder: token + position + segment embeddings, LayerNorm, 4 post-LN layers of
          multi-head self-attention (additive padding mask from `attention_mask`) and a GELU
          feed-forward; outputs the last hidden state and a tanh pooler over the [CLS] token.
    gpt   GPT-like decoder: token + position embeddings, 4 pre-LN layers of causal self-attention
          (a lower-triangular mask buffer applied with `where`), GELU feed-forward, final LayerNorm
          and an LM head tied to the token embedding; outputs logits.
    vit   ViT-like image model: a stride-`patch` convolution as patch embedding, a learned [CLS]
          token and position embedding, 4 pre-LN encoder layers, LayerNorm, a linear classifier.

The ONNX graphs use opset 17 (LayerNormalization is one node; GELU is exported as its Erf form),
which TVM 0.16's `relay.frontend.from_onnx` imports. Export goes through torch's TorchScript-based
exporter (`dynamo=False`), which works offline and needs no onnxscript.

    python -m nightly.transformers bert bert.onnx
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import warnings

import numpy as np

OPSET = 17

# hidden size, layers, heads, FFN size, sequence length / image size: small enough for a fast
# zoo, the same shapes of computation as the real models.
SPECS = {
    "bert": {"vocab": 1000, "hidden": 256, "layers": 4, "heads": 4, "ffn": 1024, "seq": 128, "segments": 2},
    "gpt": {"vocab": 1000, "hidden": 256, "layers": 4, "heads": 4, "ffn": 1024, "seq": 128},
    "vit": {"image": 64, "channels": 3, "patch": 8, "hidden": 256, "layers": 4, "heads": 4, "ffn": 1024,
            "classes": 10},
}
MODEL_NAMES = tuple(SPECS)


class TransformerExportError(Exception):
    """An unknown model name or an unwritable output path (the CLI prints it without a traceback)."""


def _torch_modules():
    """Define the torch modules lazily so importing this file does not import torch."""
    import torch
    from torch import nn

    class SelfAttention(nn.Module):
        def __init__(self, hidden, heads):
            super().__init__()
            self.heads = heads
            self.head_dim = hidden // heads
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
            self.out = nn.Linear(hidden, hidden)

        def _split(self, x):
            b, s, _ = x.shape
            return x.reshape(b, s, self.heads, self.head_dim).transpose(1, 2)

        def forward(self, x, additive_mask=None, causal_mask=None):
            b, s, h = x.shape
            q, k, v = self._split(self.query(x)), self._split(self.key(x)), self._split(self.value(x))
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
            if additive_mask is not None:
                scores = scores + additive_mask
            if causal_mask is not None:
                scores = torch.where(causal_mask, scores, torch.full_like(scores, -1e9))
            probs = torch.softmax(scores, dim=-1)
            ctx = torch.matmul(probs, v).transpose(1, 2).reshape(b, s, h)
            return self.out(ctx)

    class FeedForward(nn.Module):
        def __init__(self, hidden, ffn):
            super().__init__()
            self.up = nn.Linear(hidden, ffn)
            self.act = nn.GELU()
            self.down = nn.Linear(ffn, hidden)

        def forward(self, x):
            return self.down(self.act(self.up(x)))

    class Layer(nn.Module):
        """One encoder/decoder layer; `pre_norm` selects GPT/ViT (pre-LN) or BERT (post-LN) order."""

        def __init__(self, hidden, heads, ffn, pre_norm):
            super().__init__()
            self.pre_norm = pre_norm
            self.attn = SelfAttention(hidden, heads)
            self.ln1 = nn.LayerNorm(hidden, eps=1e-5 if pre_norm else 1e-12)
            self.ffn = FeedForward(hidden, ffn)
            self.ln2 = nn.LayerNorm(hidden, eps=1e-5 if pre_norm else 1e-12)

        def forward(self, x, additive_mask=None, causal_mask=None):
            if self.pre_norm:
                x = x + self.attn(self.ln1(x), additive_mask, causal_mask)
                return x + self.ffn(self.ln2(x))
            x = self.ln1(x + self.attn(x, additive_mask, causal_mask))
            return self.ln2(x + self.ffn(x))

    class BertLike(nn.Module):
        def __init__(self, vocab, hidden, layers, heads, ffn, seq, segments):
            super().__init__()
            self.tokens = nn.Embedding(vocab, hidden)
            self.positions = nn.Embedding(seq, hidden)
            self.segments = nn.Embedding(segments, hidden)
            self.ln = nn.LayerNorm(hidden, eps=1e-12)
            self.layers = nn.ModuleList(Layer(hidden, heads, ffn, pre_norm=False) for _ in range(layers))
            self.pooler = nn.Linear(hidden, hidden)
            self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0), persistent=False)

        def forward(self, input_ids, token_type_ids, attention_mask):
            x = self.tokens(input_ids) + self.positions(self.position_ids) + self.segments(token_type_ids)
            x = self.ln(x)
            additive = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -10000.0
            for layer in self.layers:
                x = layer(x, additive_mask=additive)
            pooled = torch.tanh(self.pooler(x[:, 0]))
            return x, pooled

    class GptLike(nn.Module):
        def __init__(self, vocab, hidden, layers, heads, ffn, seq):
            super().__init__()
            self.tokens = nn.Embedding(vocab, hidden)
            self.positions = nn.Embedding(seq, hidden)
            self.layers = nn.ModuleList(Layer(hidden, heads, ffn, pre_norm=True) for _ in range(layers))
            self.ln_f = nn.LayerNorm(hidden)
            self.register_buffer("position_ids", torch.arange(seq).unsqueeze(0), persistent=False)
            causal = torch.tril(torch.ones(seq, seq, dtype=torch.bool)).reshape(1, 1, seq, seq)
            self.register_buffer("causal", causal, persistent=False)

        def forward(self, input_ids):
            x = self.tokens(input_ids) + self.positions(self.position_ids)
            for layer in self.layers:
                x = layer(x, causal_mask=self.causal)
            return torch.matmul(self.ln_f(x), self.tokens.weight.t())

    class VitLike(nn.Module):
        def __init__(self, image, channels, patch, hidden, layers, heads, ffn, classes):
            super().__init__()
            self.patch_embed = nn.Conv2d(channels, hidden, kernel_size=patch, stride=patch)
            n_patches = (image // patch) ** 2
            self.cls = nn.Parameter(torch.randn(1, 1, hidden) * 0.02)
            self.pos = nn.Parameter(torch.randn(1, n_patches + 1, hidden) * 0.02)
            self.layers = nn.ModuleList(Layer(hidden, heads, ffn, pre_norm=True) for _ in range(layers))
            self.ln = nn.LayerNorm(hidden)
            self.head = nn.Linear(hidden, classes)

        def forward(self, pixel_values):
            x = self.patch_embed(pixel_values).flatten(2).transpose(1, 2)
            x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
            for layer in self.layers:
                x = layer(x)
            return self.head(self.ln(x)[:, 0])

    return {"bert": BertLike, "gpt": GptLike, "vit": VitLike}


def _spec(name):
    if name not in SPECS:
        raise TransformerExportError("unknown transformer model %r; choose one of %s" % (name, ", ".join(SPECS)))
    return SPECS[name]


def input_signature(name):
    """[(input name, shape, dtype)] of the exported ONNX model, in graph order."""
    s = _spec(name)
    if name == "bert":
        return [("input_ids", (1, s["seq"]), "int64"), ("token_type_ids", (1, s["seq"]), "int64"),
                ("attention_mask", (1, s["seq"]), "int64")]
    if name == "gpt":
        return [("input_ids", (1, s["seq"]), "int64")]
    return [("pixel_values", (1, s["channels"], s["image"], s["image"]), "float32")]


def output_names(name):
    _spec(name)
    return {"bert": ["last_hidden_state", "pooled"], "gpt": ["logits"], "vit": ["logits"]}[name]


def example_inputs(name, *, seed=0):
    """Realistic inputs: token ids below the vocabulary size, a padding mask of ones then zeros
    (the last quarter padded), two segments, images uniform in [-1, 1)."""
    s = _spec(name)
    rng = np.random.default_rng(seed)
    if name == "vit":
        shape = input_signature(name)[0][1]
        return {"pixel_values": rng.uniform(-1.0, 1.0, size=shape).astype("float32")}
    seq = s["seq"]
    out = {"input_ids": rng.integers(0, s["vocab"], size=(1, seq)).astype("int64")}
    if name == "bert":
        segments = np.zeros((1, seq), "int64")
        segments[:, seq // 2:] = 1
        mask = np.ones((1, seq), "int64")
        mask[:, seq - seq // 4:] = 0
        out["token_type_ids"] = segments
        out["attention_mask"] = mask
    return out


def build_torch_model(name, *, seed=0):
    """The torch module for `name`, weights from torch.manual_seed(seed), in eval mode."""
    import torch

    spec = _spec(name)
    torch.manual_seed(seed)
    kwargs = {k: v for k, v in spec.items()}
    model = _torch_modules()[name](**kwargs)
    _randomize(model, seed)
    model.eval()
    return model


def _randomize(model, seed):
    """Give embeddings std 0.1 (torch's default N(0, 1) makes tied-head logits reach the hundreds) and
    LayerNorm a non-trivial affine part, so every parameter affects the output."""
    import torch
    from torch import nn

    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, nn.Embedding):
                module.weight.copy_(torch.randn(module.weight.shape, generator=gen) * 0.1)
            elif isinstance(module, nn.LayerNorm):
                module.weight.copy_(torch.rand(module.weight.shape, generator=gen) + 0.5)
                module.bias.copy_((torch.rand(module.bias.shape, generator=gen) - 0.5) * 0.2)


def export_onnx(name: str, path, *, seed: int = 0) -> dict:
    """Export model `name` ("bert", "gpt" or "vit") with seeded random weights to the ONNX file `path`.

    Returns {"name", "path", "opset", "inputs": {input: {"shape": [...], "dtype": str}},
    "outputs": [names], "config": SPECS[name], "seed"}. The file is written to a temporary name
    in the same directory and renamed, so a failed export leaves no partial file.
    """
    _spec(name)
    path = os.fspath(path)
    out_dir = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(out_dir):
        raise TransformerExportError("cannot write %s: directory %s does not exist" % (path, out_dir))
    import torch

    model = build_torch_model(name, seed=seed)
    sig = input_signature(name)
    feeds = example_inputs(name, seed=seed)
    args = tuple(torch.from_numpy(feeds[n]) for n, _, _ in sig)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".onnx", dir=out_dir)
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
            torch.onnx.export(model, args, tmp, dynamo=False, opset_version=OPSET,
                              input_names=[n for n, _, _ in sig], output_names=output_names(name),
                              do_constant_folding=True)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return {
        "name": name,
        "path": path,
        "opset": OPSET,
        "seed": seed,
        "inputs": {n: {"shape": list(shape), "dtype": dtype} for n, shape, dtype in sig},
        "outputs": output_names(name),
        "config": dict(SPECS[name]),
    }


def _save_npz(path, arrays):
    path = os.fspath(path)
    out_dir = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(out_dir):
        raise TransformerExportError("cannot write %s: directory %s does not exist" % (path, out_dir))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=out_dir)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m nightly.transformers",
                                 description="Export a small transformer-style model to ONNX.")
    ap.add_argument("name", help="one of: " + ", ".join(MODEL_NAMES))
    ap.add_argument("out", help="ONNX file to write")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--inputs", metavar="OUT.npz", help="also write example inputs (see example_inputs) here")
    args = ap.parse_args(argv)
    try:
        info = export_onnx(args.name, args.out, seed=args.seed)
        if args.inputs:
            _save_npz(args.inputs, example_inputs(args.name, seed=args.seed))
    except TransformerExportError as exc:
        sys.stderr.write("nightly.transformers: error: %s\n" % exc)
        return 2
    shapes = " ".join("%s=%s" % (n, ",".join(map(str, v["shape"]))) for n, v in info["inputs"].items())
    sys.stdout.write("wrote %s (opset %d, inputs %s)\n" % (info["path"], info["opset"], shapes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
