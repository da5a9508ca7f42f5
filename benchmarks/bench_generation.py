"""Benchmark: tokens per second of a language model's ``generate``.

A character-level ``LSTMLanguageModel`` (128 units) and a
``TransformerLanguageModel`` (64-d, 2 blocks, positions for the longest
context) generate greedily after a prompt of 50 or 400 characters, two ways, in
the same process:

* windowed (sknn_text before the stepping generation, written out here): for
  every new token, the whole network reads the last ``window`` tokens again
  (``window`` = the context length);
* stepping (``generate`` now): the prompt is read once, then every new token
  is one recurrent step that carries the states, or one attention step over
  the Transformer's cached keys and values.

The tokens per second count the new tokens only (the prompt's first read is
included in the time). Writes results/generation.json.

    python benchmarks/bench_generation.py [--quick] [--repeats 3] [--tokens 200]
"""

import argparse
import os
import platform
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import markdown_table, save_json, timed

from sknn_text import LSTMLanguageModel, TransformerLanguageModel
from sknn_text._sampling import sample_continuation
from sknn_text._text_stream import END_ID, encode_tokens, split_text, token_index
from sknn_text._token_ids import OOV_ID, PADDING_ID

TEXT = "the quick brown fox jumps over the lazy dog, and then it sleeps. " * 8


def continue_ids(next_probabilities, context, n_tokens):
    """Greedy ids after ``context``; no stop token, so that every run makes ``n_tokens``."""
    return sample_continuation(
        next_probabilities,
        context,
        max_new_tokens=n_tokens,
        temperature=1.0,
        top_k=1,
        top_p=None,
        random_state=0,
        stop=-1,
        never=(PADDING_ID, OOV_ID, END_ID),
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=200)
    args = parser.parse_args()
    units, contexts = (16, (50,)) if args.quick else (128, (50, 400))
    n_tokens = 20 if args.quick else args.tokens
    models = {
        "lstm": LSTMLanguageModel(
            level="char", units=units, embedding_dim=32, epochs=1, random_state=0
        ),
        # Positions for the longest context and the tokens after it.
        "transformer": TransformerLanguageModel(
            level="char", embedding_dim=units // 2, feedforward_dim=units, n_blocks=2,
            sequence_length=max(contexts) + n_tokens, epochs=1, random_state=0,
        ),
    }
    rows = []
    for model_name, lm in models.items():
        lm.fit([TEXT] * 4)
        index = token_index(lm.vocabulary_)
        for length in contexts:
            prompt = (TEXT * 2)[:length]
            context = [END_ID, *encode_tokens(split_text(prompt, "char"), index)][-length:]

            def windowed(ids, window=length, lm=lm):
                return lm._next_token_probabilities([ids[-window:]])[0]

            ways = {
                "windowed": lambda: windowed,
                "stepping": lambda lm=lm: lm._encoder.stepping(lm),
            }
            outputs, seconds = {}, {}
            for way, source in ways.items():
                continue_ids(source(), context, 3)  # warm up: traces and the step model
                times = []
                for _ in range(args.repeats):
                    outputs[way], elapsed = timed(continue_ids, source(), context, n_tokens)
                    times.append(elapsed)
                seconds[way] = float(np.median(times))
            rows.append(
                {
                    "model": model_name,
                    "context": length,
                    "windowed tokens/s": n_tokens / seconds["windowed"],
                    "stepping tokens/s": n_tokens / seconds["stepping"],
                    "speed-up": seconds["windowed"] / seconds["stepping"],
                    # The same context for the first token only: then the window
                    # drops the oldest token, the stepping network keeps it.
                    "same first token": outputs["windowed"][0] == outputs["stepping"][0],
                }
            )
    columns = list(rows[0])
    print(markdown_table(rows, columns))
    save_json(
        "generation",
        {
            "quick": args.quick,
            "units": units,
            "new_tokens": n_tokens,
            "repeats": args.repeats,
            "machine": f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}",
            "rows": rows,
        },
    )


if __name__ == "__main__":
    main()
