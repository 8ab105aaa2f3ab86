"""Build tiny, deterministic Argos Translate packages offline, for tests.

`build_tiny_package` writes a real `.argosmodel` (190 kB; the first build in a process
takes about 1 s, mostly importing torch through ctranslate2.specs, later pairs 30 ms) that
`argostranslate` installs, loads and runs like any downloaded package: a character-level
SentencePiece model, a one-layer CTranslate2 Transformer whose weights are set by hand,
and a MiniSBD sentence splitter, so nothing is downloaded. Equal arguments give
byte-identical files.

What the model does, exactly (`expected_translation` computes it):

- ASCII letters a-z become A-Z; every other character is copied unchanged: A-Z, digits,
  punctuation, whitespace inside a sentence, accented letters ("café" -> "CAFé"), emoji.
  Characters outside the SentencePiece vocabulary come back through CTranslate2's
  `replace_unknowns`, which copies the source token the model attends to.
- Argos's SentencePiece decoder turns "_" (and U+2581 "▁") into a space:
  "snake_case" -> "SNAKE CASE".
- A sentence ends at ". ", "! " or "? " (the mark followed by whitespace, so "3.14" does
  not end one); the whitespace between two sentences comes back as one space:
  "Hi.   Bye" -> "HI. BYE", "Stop.\tGo" -> "STOP. GO".

Through `ArgosEngine.translate`, additionally:

- each line ("\\n") and each run of text between placeholders keeps its own leading and
  trailing whitespace; placeholders come back unchanged, exactly once, in place;
- runs without any letter (empty, whitespace, "42", "...") are returned unchanged.

So "hello world" -> "HELLO WORLD", "Hello, world! How are you?" ->
"HELLO, WORLD! HOW ARE YOU?", "see \\ue0000\\ue001 now" -> "SEE \\ue0000\\ue001 NOW".
A sentence may be up to 1,022 characters (the model has 1,024 positions); a longer one
makes `translate` raise EngineError. Argos's beam search (4 beams, replace_unknowns) grows
steeply with sentence length: about 5 ms for 50 characters, 0.2 s for 300, 2 s for 600,
so keep test sentences short.
"""
from __future__ import annotations

import functools
import io
import json
import re
import string
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from forum.machine_translation.engines.base import PLACEHOLDER_RE

CORRUPT_KINDS = (
    "not-a-zip",
    "no-metadata",
    "bad-json",
    "wrong-type",
    "no-codes",
    "two-folders",
    "no-model",
    "damaged",
)

_CHARSET = string.ascii_letters + string.digits + string.punctuation
_CODE_DIMS = 128  # Hadamard codes: one orthogonal, zero-mean row per vocabulary entry
_FREQUENCIES = 2.0 * 0.6 ** np.arange(16)  # position codes: cos/sin at 16 frequencies
_POSITION_DIMS = 4 * len(_FREQUENCIES)
_MODEL_DIMS = _CODE_DIMS + _POSITION_DIMS
_MAX_POSITIONS = 1024
_ATTENTION_SHARPNESS = 40.0  # >= 30 nats between the aligned position and any other
_COPY_GAIN = 4.0


def build_tiny_package(
    dest_dir: Path,
    from_code: str = "en",
    to_code: str = "de",
    version: str = "1.0",
    sentence_splitter: bool = True,
) -> Path:
    """Write the tiny `from_code`->`to_code` package into `dest_dir` and return its path.

    Without `sentence_splitter` the package lacks minisbd/, like packages from the Argos
    index, whose MiniSBD model argostranslate would download on first use.
    """
    suffix = "" if sentence_splitter else "-no-splitter"
    path = Path(dest_dir) / f"{package_folder(from_code, to_code, version)}{suffix}.argosmodel"
    data = _package_bytes(from_code, to_code, version, sentence_splitter)  # once per process
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(path)  # readers never see half a file
    return path


def package_folder(from_code: str, to_code: str, version: str = "1.0") -> str:
    """Return the top folder name the tiny package installs as."""
    return f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"


def expected_translation(segment: str) -> str:
    """Return what `ArgosEngine.translate` gives for `segment` with a tiny package."""
    pieces, start = [], 0
    for match in PLACEHOLDER_RE.finditer(segment):
        pieces += [_expected_run(segment[start : match.start()]), match.group()]
        start = match.end()
    return "".join(pieces) + _expected_run(segment[start:])


def build_corrupt_package(dest_dir: Path, kind: str = "not-a-zip") -> Path:
    """Write a broken `.argosmodel` of the given kind (see CORRUPT_KINDS) and return it."""
    if kind not in CORRUPT_KINDS:
        raise ValueError(f"unknown kind {kind!r}, expected one of {CORRUPT_KINDS}")
    path = Path(dest_dir) / f"corrupt-{kind}.argosmodel"
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "not-a-zip":
        path.write_bytes(b"this is not a zip archive\n" * 10)
        return path
    good = zipfile.ZipFile(io.BytesIO(_package_bytes("en", "de", "1.0", True)))
    files = {info.filename: good.read(info) for info in good.infolist() if not info.is_dir()}
    top = package_folder("en", "de")
    _corrupt(files, top, kind)
    # "damaged" is stored uncompressed so that its bytes can be flipped in place, which
    # extraction notices (CRC check) only after writing the files before it.
    data = _zip(files, zipfile.ZIP_STORED if kind == "damaged" else zipfile.ZIP_DEFLATED)
    path.write_bytes(data.replace(b"DAMAGE-ME" * 4, b"DAMAGED!!" * 4))
    return path


def sentence_splitter_model(lang: str) -> bytes:
    """Return a MiniSBD ONNX model ending a sentence at . ! ? followed by whitespace."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    units = ["<PAD>", "<UNK>", " ", ".", "!", "?"]  # MiniSBD maps all whitespace to " "
    constants = {
        "is_mark": np.array([0, 0, 0, 1, 1, 1], np.float32),
        "is_gap": np.array([1, 0, 1, 0, 0, 0], np.float32),  # padding counts as a gap
        "one": np.array([1], np.int64),
        "to_end": np.array([2**62], np.int64),
        "pad_last": np.array([0, 0, 0, 1], np.int64),
        "gap": np.array(1.0, np.float32),
        "last_axis": np.array([2], np.int64),
        "weight": np.array([0, 0, 2], np.float32),  # class 2 = sentence end
        "bias": np.array([1, 0, 0], np.float32),  # class 0 = inside a token
    }
    nodes = [
        helper.make_node("Gather", ["is_mark", "units"], ["mark"]),
        helper.make_node("Slice", ["units", "one", "to_end", "one"], ["next_units"]),
        helper.make_node("Gather", ["is_gap", "next_units"], ["next_gap_short"]),
        helper.make_node("Pad", ["next_gap_short", "pad_last", "gap"], ["next_gap"]),
        helper.make_node("Mul", ["mark", "next_gap"], ["end"]),
        helper.make_node("Unsqueeze", ["end", "last_axis"], ["end_3d"]),
        helper.make_node("Mul", ["end_3d", "weight"], ["scaled"]),
        helper.make_node("Add", ["scaled", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "sentence_ends",
        [
            helper.make_tensor_value_info("units", TensorProto.INT64, ["batch", "length"]),
            # MiniSBD always feeds features; this model does not need them.
            helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", "length", "f"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "length", 3])],
        [numpy_helper.from_array(value, name) for name, value in constants.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    vocab = {"lang": lang, "idx": 0, "cutoff": 0, "lower": False, "_id2unit": units,
             "_unit2id": {unit: i for i, unit in enumerate(units)}}
    properties = {"lang_code": lang, "config": json.dumps({"max_seqlen": 1000, "feat_funcs": []}),
                  "vocab": json.dumps(vocab), "lexicon": "null"}
    for key, value in properties.items():
        model.metadata_props.add(key=key, value=value)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _expected_run(run: str) -> str:
    lines = []
    for line in run.split("\n"):
        lead, core, trail = re.fullmatch(r"(\s*)(.*?)(\s*)", line, re.DOTALL).groups()
        if any(char.isalpha() for char in core):
            core = re.sub(r"([.!?])\s+", r"\1 ", core)
            core = "".join(_target_piece(char) for char in core)
            core = core.replace("_", " ").replace("\u2581", " ")
        lines.append(lead + core + trail)
    return "\n".join(lines)


def _corrupt(files: dict[str, bytes], top: str, kind: str) -> None:
    metadata = json.loads(files[f"{top}/metadata.json"])
    if kind == "no-metadata":
        del files[f"{top}/metadata.json"]
    elif kind == "bad-json":
        files[f"{top}/metadata.json"] = b'{"type": "translate", '
    elif kind in ("wrong-type", "no-codes"):
        metadata.update({"type": "sbd"} if kind == "wrong-type" else {"from_code": None})
        files[f"{top}/metadata.json"] = json.dumps(metadata).encode()
    elif kind == "two-folders":
        files["second-folder/README.md"] = b"a stray second top folder\n"
    elif kind == "no-model":
        for name in [name for name in files if name.startswith(f"{top}/model/")]:
            del files[name]
    elif kind == "damaged":
        files[f"{top}/model/zz-padding.bin"] = b"DAMAGE-ME" * 4


@functools.cache
def _package_bytes(from_code: str, to_code: str, version: str, sentence_splitter: bool) -> bytes:
    top = package_folder(from_code, to_code, version)
    sentencepiece = _train_sentencepiece()
    metadata = _metadata(from_code, to_code, version)
    files = {
        f"{top}/metadata.json": json.dumps(metadata, indent=2).encode(),
        f"{top}/README.md": b"Tiny test package: upper-cases a-z.\n",
        f"{top}/sentencepiece.model": sentencepiece,
    }
    if sentence_splitter:
        files[f"{top}/minisbd/{from_code}.onnx"] = sentence_splitter_model(from_code)
    for name, data in _model_files(_vocabulary(sentencepiece)).items():
        files[f"{top}/model/{name}"] = data
    return _zip(files, zipfile.ZIP_DEFLATED)


def _zip(files: dict[str, bytes], compression: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            # A fixed date makes equal packages byte-identical across processes.
            entry = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(entry, data, compression)
    return buffer.getvalue()


def _metadata(from_code: str, to_code: str, version: str) -> dict:
    return {
        "type": "translate",
        "package_version": version,
        "argos_version": "1.9",
        "from_code": from_code,
        "from_name": f"Tiny {from_code}",
        "to_code": to_code,
        "to_name": f"Tiny {to_code}",
        "links": [],
    }


def _train_sentencepiece() -> bytes:
    import sentencepiece

    # Every character once per line, rotated, so all pieces are equally frequent.
    lines = [_CHARSET[i:] + " " + _CHARSET[:i] for i in range(len(_CHARSET))]
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="char",
        vocab_size=len(_CHARSET) + 4,
        hard_vocab_limit=False,
        character_coverage=1.0,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _vocabulary(sentencepiece_model: bytes) -> list[str]:
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_proto=sentencepiece_model)
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _model_files(vocabulary: list[str]) -> dict[str, bytes]:
    import ctranslate2

    spec = _transformer_spec(vocabulary)

    class _HandSetWeights(ctranslate2.converters.Converter):
        def _load(self):
            return spec

    with tempfile.TemporaryDirectory(prefix="tiny-argos-") as work:
        model_dir = Path(work) / "model"
        _HandSetWeights().convert(str(model_dir), force=True)
        return {file.name: file.read_bytes() for file in sorted(model_dir.iterdir())}


def _transformer_spec(vocabulary: list[str]):
    """Return a Transformer whose decoder step t copies source token t, upper-cased.

    Encoder: token code + position code, attention and FFN switched off. Decoder: only a
    position code (its input tokens are ignored); cross-attention matches it against the
    source positions and copies that position's token code; the output projection maps
    each source code to its target token. The source gets "</s>" appended
    (add_source_eos), so the step after the last character copies end-of-sentence.
    """
    from ctranslate2.specs import transformer_spec

    size, dims, code_dims = len(vocabulary), _MODEL_DIMS, _CODE_DIMS
    codes = _hadamard(code_dims)[1 : size + 1]  # row 0 is all ones: not zero-mean
    positions = np.zeros((_MAX_POSITIONS, dims), np.float32)
    positions[:, code_dims:] = _position_codes()

    spec = transformer_spec.TransformerSpec.from_config((1, 1), 1)
    spec.config.add_source_eos = True
    encoder, decoder = spec.encoder, spec.decoder
    for stack in (encoder, decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = positions
        _norm(stack.layer_norm)
        _switch_off(stack.layer[0])
    encoder.embeddings[0].weight = _zeros(size, dims)
    encoder.embeddings[0].weight[:, :code_dims] = codes
    decoder.embeddings.weight = _zeros(size, dims)
    _cross_attention(decoder.layer[0].attention)
    decoder.projection.weight = _zeros(size, dims)
    decoder.projection.bias = _zeros(size)
    index = {piece: i for i, piece in enumerate(vocabulary)}
    for i, piece in enumerate(vocabulary):
        target = index.get(_target_piece(piece), index["<unk>"])
        decoder.projection.weight[target, :code_dims] += codes[i]
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    return spec


def _cross_attention(attention) -> None:
    dims, code_dims = _MODEL_DIMS, _CODE_DIMS
    _norm(attention.layer_norm)
    query = _zeros(dims, dims)
    query[code_dims:, code_dims:] = np.eye(_POSITION_DIMS) * _ATTENTION_SHARPNESS
    key_value = _zeros(2 * dims, dims)
    key_value[code_dims:dims, code_dims:] = np.eye(_POSITION_DIMS)  # keys: positions
    key_value[dims : dims + code_dims, :code_dims] = np.eye(code_dims)  # values: tokens
    output = _zeros(dims, dims)
    output[:code_dims, :code_dims] = np.eye(code_dims) * _COPY_GAIN
    for linear, weight in zip(attention.linear, (query, key_value, output), strict=True):
        linear.weight, linear.bias = weight, _zeros(weight.shape[0])


def _switch_off(layer) -> None:
    dims = _MODEL_DIMS
    _norm(layer.self_attention.layer_norm)
    for linear, rows in zip(layer.self_attention.linear, (3 * dims, dims), strict=True):
        linear.weight, linear.bias = _zeros(rows, dims), _zeros(rows)
    _norm(layer.ffn.layer_norm)
    layer.ffn.linear_0.weight, layer.ffn.linear_0.bias = _zeros(1, dims), _zeros(1)
    layer.ffn.linear_1.weight, layer.ffn.linear_1.bias = _zeros(dims, 1), _zeros(dims)


def _norm(layer_norm) -> None:
    layer_norm.gamma = np.ones(_MODEL_DIMS, np.float32)
    layer_norm.beta = _zeros(_MODEL_DIMS)


def _zeros(*shape: int) -> np.ndarray:
    return np.zeros(shape, np.float32)


def _target_piece(piece: str) -> str:
    return piece.upper() if piece in string.ascii_lowercase and len(piece) == 1 else piece


def _hadamard(size: int) -> np.ndarray:
    matrix = np.ones((1, 1), np.float32)
    while matrix.shape[0] < size:
        matrix = np.block([[matrix, matrix], [matrix, -matrix]])
    return matrix


def _position_codes() -> np.ndarray:
    """Return zero-mean position codes of equal norm whose dot product peaks at equality."""
    angles = np.arange(_MAX_POSITIONS)[:, None] * _FREQUENCIES[None, :]
    cos, sin = np.cos(angles), np.sin(angles)
    return np.concatenate([cos, sin, -cos, -sin], axis=1).astype(np.float32)
