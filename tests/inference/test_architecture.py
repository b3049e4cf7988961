"""Models read from Hugging Face config.json files: parameter counts against the makers'
published totals, KV bytes per token by hand, and errors for inconsistent counts."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.architecture import model_from_hf_config, param_counts, read_config_json
from llmecon.inference.catalog import load_catalog

CAT = load_catalog()
CONFIGS = resources.files("llmecon").joinpath("data/inference/model_configs")


def _config(name: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads(CONFIGS.joinpath(name).read_text(encoding="utf-8"))
    return doc


def test_llama_70b_by_hand() -> None:
    # h 8192, 80 layers, 64 heads of 128, 8 KV heads, FFN 28,672, vocabulary 128,256
    attn = 8192 * 8192 + 2 * 8192 * 8 * 128 + 8192 * 8192
    ffn = 3 * 8192 * 28672
    total = 80 * (attn + ffn + 2 * 8192) + 8192 + 2 * 128256 * 8192
    p = param_counts(CAT.model("Llama-3.1-70B"))
    assert p is not None
    assert p.total == total  # 70.55B; Meta: "70B"
    assert p.total / 1e9 == pytest.approx(70.55, abs=0.01)


def test_deepseek_v3_by_hand() -> None:
    # published: 671B total, 37B activated (arXiv 2412.19437), MTP module counted apart
    h, heads = 7168, 128
    q = h * 1536 + 1536 * heads * (128 + 64) + 1536
    kv = h * (512 + 64) + 512 * heads * (128 + 128) + 512
    attn = q + kv + heads * 128 * h
    expert = 3 * h * 2048
    moe = 256 * expert + expert + h * 256  # routed, one shared, router
    total = 61 * (attn + 2 * h) + h + 3 * 3 * h * 18432 + 58 * moe + 2 * 129280 * h
    active = total - 58 * 256 * expert + 58 * 8 * expert - 129280 * h
    p = param_counts(CAT.model("DeepSeek-V3"))
    assert p is not None
    assert p.total == pytest.approx(total, rel=1e-12)
    assert p.active == pytest.approx(active, rel=1e-12)
    assert p.total / 1e9 == pytest.approx(671, rel=0.005)
    assert p.active / 1e9 == pytest.approx(37, rel=0.02)


@pytest.mark.parametrize(("name", "total_b", "active_b", "rel"), [
    ("GLM-5", 744, 40, 0.05),           # Z.ai GLM-5 release
    ("MiniMax-M2.5", 230, 10, 0.05),    # MiniMax-M2 model card (M2.5 keeps the shapes)
    ("Qwen3-235B-A22B", 235, 22, 0.03),  # Qwen3 technical report
    ("Kimi-K2", 1000, 32, 0.05),        # Moonshot: "1T total, 32B activated"
    ("Qwen3.5-397B-A17B", 397, 17, 0.05),
])
def test_counts_match_published(name: str, total_b: float, active_b: float,
                                rel: float) -> None:
    p = param_counts(CAT.model(name))
    assert p is not None
    assert p.total / 1e9 == pytest.approx(total_b, rel=rel)
    assert p.active / 1e9 == pytest.approx(active_b, rel=rel)


def test_rounded_total_keeps_attention_and_shared_expert() -> None:
    # Kimi K2 stated "1T" is less than its routed experts (1,014.7B): the non-expert part
    # comes from the shapes, not from 1T - routed (which would be negative, once clamped to 0)
    m = CAT.model("Kimi-K2")
    assert m.routed_params > m.total_params_b * 1e9
    arch = rf.Arch.of([m])
    assert float(arch.nonexpert[0]) / 1e9 == pytest.approx(11.7, abs=0.2)


def test_kv_bytes_per_token_by_hand() -> None:
    # MLA: (512 latent + 64 rope) x 61 layers x 2 bytes; GQA: 2 x 8 x 128 x 80 x 2
    assert CAT.model("DeepSeek-V3").kv_elements_per_token() * 2 == (512 + 64) * 61 * 2
    assert CAT.model("Llama-3.1-70B").kv_elements_per_token() * 2 == 2 * 8 * 128 * 80 * 2
    # GLM-5 MLA plus the DSA indexer key: (512 + 64 + 128) x 78 x 2
    assert CAT.model("GLM-5").kv_elements_per_token() * 2 == (512 + 64 + 128) * 78 * 2


def test_sliding_window_caps_the_kv_cache() -> None:
    # gpt-oss-120b: 18 full + 18 sliding (128-token window) layers, K and V of 8 x 64
    m = CAT.model("gpt-oss-120b")
    assert (m.sliding_layers, m.sliding_window, m.full_attention_layers) == (18, 128, 18)
    arch = rf.Arch.of([m])
    per_layer = 2 * 8 * 64
    got = float(rf.kv_bytes_per_sequence(arch, 10_000.0, 2.0)[0])
    assert got == 2 * per_layer * (18 * 10_000 + 18 * 128)


def test_dsa_attends_to_top_k_only() -> None:
    arch = rf.Arch.of([CAT.model("GLM-5")])
    # 100k context: the main attention reads 2,048 latents per layer, the indexer all keys
    read = float(rf.kv_read_bytes_per_sequence(arch, 100_000.0, 1.0)[0])
    assert read == 78 * (576 * 2048 + 128 * 100_000)


def test_inconsistent_stated_total_names_both_numbers(tmp_path: Path) -> None:
    cfg = _config("meta-llama--Meta-Llama-3.1-70B.json")
    with pytest.raises(InputError, match=r"x.json: m: total_params_b: stated 60B, computed "
                                         r"from the shapes 70.6B"):
        model_from_hf_config(cfg, name="m", origin="x.json",
                             row={"total_params_b": 60, "active_params_b": 60})


def test_config_json_path_as_model(tmp_path: Path) -> None:
    d = tmp_path / "MyModel"
    d.mkdir()
    (d / "config.json").write_text(json.dumps(_config("Qwen--Qwen3-32B.json")))
    m = CAT.model(str(d / "config.json"))
    assert m.name == "MyModel" and m.total_params_b == pytest.approx(32.76, abs=0.01)
    # a config.json in the current folder is named after that folder (it had an empty
    # name and was refused); a config's own _name_or_path wins
    import os

    here = os.getcwd()
    try:
        os.chdir(d)
        assert CAT.model("config.json").name == "MyModel"
    finally:
        os.chdir(here)
    named = {**_config("Qwen--Qwen3-32B.json"), "_name_or_path": "Qwen/Qwen3-32B"}
    (d / "config.json").write_text(json.dumps(named))
    assert CAT.model(str(d / "config.json")).name == "Qwen3-32B"
    (d / "bad.json").write_text('{"num_hidden_layers": 4}')
    with pytest.raises(InputError, match=r"bad.json: not a config this model reads: missing"):
        CAT.model(str(d / "bad.json"))


@pytest.mark.parametrize(("key", "value", "says"), [
    ("num_hidden_layers", 80.5, "layers: expected a whole number, found 80.5"),
    ("num_key_value_heads", 7.9, "kv_heads: expected a whole number, found 7.9"),
    ("hidden_size", "big",
     "not a config this model reads: hidden_size: expected a number, found 'big'"),
    # from a hostile-input audit: the key was not named, and -8 experts were reported as 0
    ("vocab_size", True, "not a config this model reads: vocab_size: expected a number, "
                         "found True"),
    ("num_experts", -8, "num_experts: expected a whole number of routed experts >= 0, "
                        "found -8"),
    ("num_key_value_heads", "8", "num_key_value_heads: expected a number, found '8'"),
])
def test_a_fractional_or_text_count_is_named_not_truncated(key: str, value: object,
                                                            says: str) -> None:
    cfg = {**_config("meta-llama--Meta-Llama-3.1-70B.json"), key: value}
    with pytest.raises(InputError, match=rf"x\.json: .*{re.escape(says)}"):
        model_from_hf_config(cfg, name="m", origin="x.json")


def test_companies_models_in_catalog() -> None:
    for name in ("GLM-4.5", "GLM-4.6", "GLM-5", "GLM-5.1", "GLM-5.2", "MiniMax-M1", "MiniMax-M2",
                 "MiniMax-M2.5", "MiniMax-M2.7", "MiniMax-M3", "DeepSeek-V3.2", "Kimi-K2",
                 "Kimi-K2.5", "Qwen3.5-397B-A17B", "Llama-3.1-405B", "gpt-oss-120b",
                 "Qwen3-32B", "deepseek-ai/DeepSeek-R1", "meta-llama/Llama-3.1-8B-Instruct"):
        assert CAT.model(name)


@pytest.mark.parametrize(("base", "change", "says"), [
    # internal errors before: a division by zero heads, an assert on no vocabulary
    ("meta-llama--Meta-Llama-3.1-8B.json", {"num_attention_heads": 0},
     "num_attention_heads: expected a whole number >= 1"),
    ("meta-llama--Meta-Llama-3.1-8B.json", {"vocab_size": 0}, "vocab_size"),
    # read as numbers before: true as 1 layer, text as 32
    ("meta-llama--Meta-Llama-3.1-8B.json", {"num_hidden_layers": True}, "found True"),
    ("meta-llama--Meta-Llama-3.1-8B.json", {"num_hidden_layers": "32"}, "found '32'"),
    # impossible shapes accepted before
    ("meta-llama--Meta-Llama-3.1-8B.json", {"num_key_value_heads": 64},
     "expected a divisor of heads"),
    ("meta-llama--Meta-Llama-3.1-8B.json", {"num_attention_heads": 30},
     "not a multiple of num_attention_heads"),
    ("openai--gpt-oss-120b.json", {"layer_types": ["banana"] * 36}, "layer_types"),
    ("openai--gpt-oss-120b.json", {"sliding_window": 0}, "sliding_window > 0"),
    ("Qwen--Qwen3-235B-A22B.json", {"mlp_only_layers": "abc"}, "mlp_only_layers"),
    # from a hostile-input audit: a list here was an internal AttributeError, and text for a
    # true/false setting read as true (8.03B parameters counted as 7.5B with tied embeddings)
    ("meta-llama--Meta-Llama-3.1-8B.json", {"sparse_attention_config": [1]},
     "sparse_attention_config: expected a mapping of settings, found list"),
    ("meta-llama--Meta-Llama-3.1-8B.json", {"text_config": "x"},
     "text_config: expected a mapping of settings, found str"),
    ("meta-llama--Meta-Llama-3.1-8B.json", {"tie_word_embeddings": "false"},
     "tie_word_embeddings: expected true or false, found 'false'"),
    ("Qwen--Qwen3-32B.json", {"attn_output_gate": "no"},
     "attn_output_gate: expected true or false, found 'no'"),
])
def test_a_malformed_config_is_named_not_guessed(base: str, change: dict[str, object],
                                                 says: str) -> None:
    cfg = {**_config(base), **change}
    with pytest.raises(InputError, match=re.escape(says)):
        model_from_hf_config(cfg, name="m", origin="x.json")


@pytest.mark.parametrize(("raw", "says"), [
    (b'{"a": "\xff"}', "not UTF-8 text"),
    (b'{"a":' * 100_000, "nested too deeply"),
    (b'{"num_hidden_layers": 1, "num_hidden_layers": 2}', "given twice"),
    (b'{"n": ' + b"9" * 5000 + b"}", "not a readable JSON config"),
])
def test_a_config_file_that_is_not_clean_json(tmp_path: Path, raw: bytes, says: str) -> None:
    # each was an internal error (UnicodeDecodeError, RecursionError, ValueError) or, for a
    # repeated key, the last value silently
    f = tmp_path / "config.json"
    f.write_bytes(raw)
    with pytest.raises(InputError, match=says):
        CAT.model(str(f))
    with pytest.raises(InputError, match="not a regular file"):  # /dev/zero was read on
        read_config_json(Path("/dev/null"))                       # until memory ran out


def test_a_gpu_file_as_gpu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the help says "GPU name ... or path": the file was read, then its GPU looked up by name
    # for a price and refused as unknown
    from llmecon.cli import main

    f = tmp_path / "mine.yaml"
    f.write_text("gpus:\n  - {name: mygpu, bf16_tflops: 989, fp8_tflops: 1979, memory_gb: 80,"
                 " bandwidth_tbs: 3.35, scale_up_gbs: 900, scale_out_gbs: 50, as_of: 2026,"
                 " source: test}\n", encoding="utf-8")
    assert main(["inference", "throughput", "--model", "Llama-3.1-8B", "--gpu", str(f),
                 "--gpus", "1"]) == 0
    assert "on 1 x mygpu" in capsys.readouterr().out
