"""A small Llama-style decoder whose forward pass is exactly the exported ONNX graph.

forward(input_ids, attention_mask, position_ids, past) -> (logits, presents)

Masking, the contract the Java runtime relies on: the new token at row r (absolute cache index
past + r) attends to cache index j iff j <= past + r and attention_mask[b, j] == 1. Rotary positions
come only from position_ids. Example, past = 3, one new token, attention_mask = [1, 0, 1, 1]: the new
token (cache index 3) sees indices 0, 2 and itself; index 1 (a rejected draft token) is ignored.
"""
import math
from dataclasses import dataclass, asdict

import torch
from torch import nn

# Finite, so a row whose every slot is masked still softmaxes to finite numbers (never NaN).
MASKED_SCORE = -1e9


@dataclass(frozen=True)
class LlamaConfig:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    max_position_embeddings: int = 512
    rms_norm_eps: float = 1e-5
    rope_theta: float = 10000.0

    def __post_init__(self):
        if self.num_attention_heads % self.num_key_value_heads:
            raise ValueError("num_attention_heads must be a multiple of num_key_value_heads")
        if self.head_dim % 2:
            raise ValueError("head_dim must be even for rotary embeddings")

    def hf_config(self, bos: int, eos: int, pad: int) -> dict:
        """config.json content in Hugging Face Llama style."""
        return {
            "architectures": ["LlamaForCausalLM"],
            "model_type": "llama",
            **asdict(self),
            "hidden_act": "silu",
            "attention_bias": False,
            "tie_word_embeddings": False,
            "bos_token_id": bos,
            "eos_token_id": eos,
            "pad_token_id": pad,
            "torch_dtype": "float32",
            "use_cache": True,
        }


class RmsNorm(nn.Module):
    def __init__(self, size: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary(position_ids, head_dim: int, theta: float):
    """cos, sin of shape [batch, 1, 1, seq, head_dim] (broadcast over kv heads and their query groups)."""
    inv_freq = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    freqs = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos()[:, None, None], emb.sin()[:, None, None]


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


class Attention(nn.Module):
    """Grouped-query attention; queries laid out [batch, kv_heads, group, seq, head_dim] so keys and
    values broadcast over each group instead of being copied."""

    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.c = c
        self.group = c.num_attention_heads // c.num_key_value_heads
        self.q_proj = nn.Linear(c.hidden_size, c.num_attention_heads * c.head_dim, bias=False)
        self.k_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=False)
        self.v_proj = nn.Linear(c.hidden_size, c.num_key_value_heads * c.head_dim, bias=False)
        self.o_proj = nn.Linear(c.num_attention_heads * c.head_dim, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, allowed, past_key, past_value):
        c = self.c
        batch, seq = x.shape[0], x.shape[1]
        q = self.q_proj(x).view(batch, seq, c.num_key_value_heads, self.group, c.head_dim).permute(0, 2, 3, 1, 4)
        k = self.k_proj(x).view(batch, seq, c.num_key_value_heads, 1, c.head_dim).permute(0, 2, 3, 1, 4)
        v = self.v_proj(x).view(batch, seq, c.num_key_value_heads, c.head_dim).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = (k * cos + rotate_half(k) * sin).squeeze(2)
        key = torch.cat([past_key, k], dim=2)  # [batch, kv_heads, past + seq, head_dim]
        value = torch.cat([past_value, v], dim=2)
        scores = torch.matmul(q, key.unsqueeze(2).transpose(-1, -2)) / math.sqrt(c.head_dim)
        scores = scores.masked_fill(~allowed, MASKED_SCORE)
        weights = torch.softmax(scores, dim=-1)
        out = torch.matmul(weights, value.unsqueeze(2))  # [batch, kv_heads, group, seq, head_dim]
        out = out.permute(0, 3, 1, 2, 4).reshape(batch, seq, c.num_attention_heads * c.head_dim)
        return self.o_proj(out), key, value


class Mlp(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(nn.functional.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.input_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, allowed, past_key, past_value):
        attended, key, value = self.self_attn(self.input_layernorm(x), cos, sin, allowed, past_key, past_value)
        x = x + attended
        return x + self.mlp(self.post_attention_layernorm(x)), key, value


def allowed_slots(attention_mask, seq: int):
    """Boolean [batch, 1, 1, seq, past + seq]: row r may see cache slot j iff j <= past + r and mask[j] == 1."""
    total = attention_mask.shape[1]
    rows = torch.arange(seq, dtype=torch.int64) + (total - seq)
    cols = torch.arange(total, dtype=torch.int64)
    causal = cols.unsqueeze(0) <= rows.unsqueeze(1)
    present = attention_mask.to(torch.bool)
    return causal[None, None, None] & present[:, None, None, None, :]


class LlamaDecoder(nn.Module):
    def __init__(self, c: LlamaConfig):
        super().__init__()
        self.config = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(c) for _ in range(c.num_hidden_layers))
        self.norm = RmsNorm(c.hidden_size, c.rms_norm_eps)
        self.lm_head = nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        self.apply(self._init)

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)

    def empty_past(self, batch: int) -> list:
        c = self.config
        shape = (batch, c.num_key_value_heads, 0, c.head_dim)
        return [(torch.zeros(shape), torch.zeros(shape)) for _ in range(c.num_hidden_layers)]

    def forward(self, input_ids, attention_mask, position_ids, past):
        """past: list of (key, value) per layer, each [batch, kv_heads, past_len, head_dim].
        Returns logits [batch, seq, vocab] and the presents (past + new) per layer."""
        c = self.config
        x = self.embed_tokens(input_ids)
        cos, sin = rotary(position_ids, c.head_dim, c.rope_theta)
        allowed = allowed_slots(attention_mask, input_ids.shape[1])
        presents = []
        for layer, (past_key, past_value) in zip(self.layers, past):
            x, key, value = layer(x, cos, sin, allowed, past_key, past_value)
            presents.append((key, value))
        return self.lm_head(self.norm(x)), presents

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())


SIZES = {
    "target": dict(hidden_size=256, intermediate_size=688, num_hidden_layers=4, num_attention_heads=8,
                   num_key_value_heads=2, head_dim=32),
    "draft-small": dict(hidden_size=160, intermediate_size=432, num_hidden_layers=2, num_attention_heads=4,
                        num_key_value_heads=2, head_dim=40),
    "draft-tiny": dict(hidden_size=96, intermediate_size=256, num_hidden_layers=1, num_attention_heads=2,
                       num_key_value_heads=1, head_dim=48),
}


def config_for(name: str, vocab_size: int) -> LlamaConfig:
    return LlamaConfig(vocab_size=vocab_size, **SIZES[name])
