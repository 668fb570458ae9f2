"""Byte-level BPE in pure Python, written out as a Hugging Face tokenizer.json.

The encoder here tokenizes exactly as the Hugging Face `tokenizers` library does with the written
file: GPT-2 pre-tokenization regex, GPT-2 byte-to-unicode map, merges applied lowest rank first
(leftmost first among equal ranks). For example, with the shipped vocabulary::

    encode("Step 1: 17 + 26 = 43.\n")  ->  pieces "Step", " 1", ":", " 17", " +", " 26", " =", " 43", ".", "\n"

(each piece one id or a few ids, depending on the merges learned).

Special tokens: <pad>=0, <s>=1 (bos), </s>=2 (eos), <unk>=3. They are never produced by `encode`
(the corpus has no "<"), the caller adds bos/eos. The tokenizer.json has no post-processor, so
Hugging Face / DJL `encode` returns the same ids whether or not special tokens are requested.
"""
import json
import re
from collections import Counter
from pathlib import Path

SPECIAL_TOKENS = ("<pad>", "<s>", "</s>", "<unk>")
PAD_ID, BOS_ID, EOS_ID, UNK_ID = 0, 1, 2, 3

# GPT-2's pattern, with \p{L} spelled [^\W\d_] and \p{N} spelled \d because Python's re lacks \p{..}.
# Identical on ASCII text (all the corpus is ASCII); differs only on rare Unicode number/letter marks.
_PRETOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


def bytes_to_unicode() -> dict:
    """GPT-2's reversible map from the 256 byte values to printable unicode characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(
        range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return {b: chr(c) for b, c in zip(printable, codes)}


_BYTE_CHARS = bytes_to_unicode()


def pretokenize(text: str) -> list:
    """Pieces as the ByteLevel pre-tokenizer yields them, each mapped to byte-level unicode characters."""
    return ["".join(_BYTE_CHARS[b] for b in piece.encode("utf-8")) for piece in _PRETOKENIZE.findall(text)]


class ByteLevelBpe:
    def __init__(self, merges: list):
        """merges: list of (left, right) pairs in rank order."""
        self.merges = [tuple(m) for m in merges]
        self.ranks = {pair: rank for rank, pair in enumerate(self.merges)}
        self.vocab = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
        for b in range(256):
            self.vocab[_BYTE_CHARS[b]] = len(self.vocab)
        for left, right in self.merges:
            self.vocab.setdefault(left + right, len(self.vocab))
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        self._cache = {}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def _bpe(self, piece: str) -> list:
        cached = self._cache.get(piece)
        if cached is not None:
            return cached
        symbols = list(piece)
        while len(symbols) > 1:
            best = min(range(len(symbols) - 1),
                       key=lambda i: (self.ranks.get((symbols[i], symbols[i + 1]), float("inf")), i))
            pair = (symbols[best], symbols[best + 1])
            if pair not in self.ranks:
                break
            merged, i = [], 0
            while i < len(symbols):  # merge every occurrence of the pair, left to right, non-overlapping
                if i < len(symbols) - 1 and (symbols[i], symbols[i + 1]) == pair:
                    merged.append(pair[0] + pair[1])
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            symbols = merged
        ids = [self.vocab[s] for s in symbols]
        self._cache[piece] = ids
        return ids

    def encode(self, text: str) -> list:
        ids = []
        for piece in pretokenize(text):
            ids.extend(self._bpe(piece))
        return ids

    def decode(self, ids: list) -> str:
        inverse = {c: b for b, c in _BYTE_CHARS.items()}
        chars = "".join(self.id_to_token[i] for i in ids if i >= len(SPECIAL_TOKENS))
        return bytes(inverse[c] for c in chars).decode("utf-8", errors="replace")

    def to_tokenizer_json(self) -> dict:
        added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                  "normalized": False, "special": True} for i, t in enumerate(SPECIAL_TOKENS)]
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": added,
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                              "use_regex": True},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE",
                "dropout": None,
                "unk_token": None,
                "continuing_subword_prefix": None,
                "end_of_word_suffix": None,
                "fuse_unk": False,
                "byte_fallback": False,
                "vocab": self.vocab,
                "merges": [f"{a} {b}" for a, b in self.merges],
            },
        }

    def save(self, path: Path) -> None:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(self.to_tokenizer_json(), out, ensure_ascii=False, indent=1)
            out.write("\n")

    @staticmethod
    def load(path: Path) -> "ByteLevelBpe":
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return ByteLevelBpe([tuple(m.split(" ")) for m in data["model"]["merges"]])


def train(texts, vocab_size: int) -> ByteLevelBpe:
    """Classic BPE on pre-tokenized pieces: repeatedly merge the most frequent adjacent pair.

    Ties break on the pair itself (lexicographically smallest) so training is deterministic.
    """
    words = Counter()
    for text in texts:
        words.update(pretokenize(text))
    corpus = [[list(w), n] for w, n in words.items()]
    base = len(SPECIAL_TOKENS) + 256
    merges, known = [], set()
    pair_counts = Counter()
    for symbols, n in corpus:
        for pair in zip(symbols, symbols[1:]):
            pair_counts[pair] += n
    while base + len(known) < vocab_size and pair_counts:
        best = min(pair_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if best[1] < 2:
            break
        pair = best[0]
        merges.append(pair)
        known.add(pair[0] + pair[1])
        for entry in corpus:
            symbols, n = entry
            if len(symbols) < 2 or pair[0] not in symbols:
                continue
            merged, i, changed = [], 0, False
            while i < len(symbols):
                if i < len(symbols) - 1 and symbols[i] == pair[0] and symbols[i + 1] == pair[1]:
                    merged.append(pair[0] + pair[1])
                    i += 2
                    changed = True
                else:
                    merged.append(symbols[i])
                    i += 1
            if changed:
                for p in zip(symbols, symbols[1:]):
                    pair_counts[p] -= n
                for p in zip(merged, merged[1:]):
                    pair_counts[p] += n
                entry[0] = merged
        pair_counts = Counter({p: c for p, c in pair_counts.items() if c > 0})
    return ByteLevelBpe(merges)
