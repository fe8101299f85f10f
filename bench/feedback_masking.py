"""Benchmark: masking a citizen's message for the public pages, on the worst inputs known.

Run: .venv/bin/python bench/feedback_masking.py
Every public view of a message (the tracking page, its API, the village page) runs
`feedback.privacy.public_text` on it. A pattern that backtracks makes one stored message cost
seconds of CPU per view (QA: 4,000 characters of "jl." took 0.55 s, 20,000 took 13 s).
Goal: each input at a message's maximum length (4,000 characters) masked in <= 0.1 s, and
5x the text taking about 5x the time (linear, not quadratic).
Baseline in the same run: one pass of a plain regular expression (`\\d+` replaced) over the
same text, the least any masking of numbers can cost.
"""

from __future__ import annotations

import re
import time

from common import say, setup_django

# Pieces that, repeated, start a pattern again and again without ending it: the slow inputs
# QA found in each pass (docs/decisions.md, "Feedback masking", fifth to tenth pass).
PIECES = [
    "jl.", "gg.", "Jl.", "jl.a.", "kp.", "jl-", "Jl.A-", "jln.a.", "perum.a.", "jalan.",
    "kampung-jl.", "jalan i.i.i.i.i.", "1. jalan a 2. jalan b ", "kampung baru 12 ",
    "lahir 1 2 ", "ttl a b, 1 2 ", "tgl lahir ", "jalan mayjend. ", "gang mawar2",
    "jalan brig. ", "Jl. Mawar 12 RT, a ", "jl a 1 rt, ", "gang a2a2",
    # Ninth pass: a date after a name, an area word after a house, a long name, "kayu2".
    "Budi 1 2 ", "a, 1 2 3 ", "Budi 1 2 3 4 ", "jl a 1 rt, rt ", "jl a 1 rt!", "gang kayu2 ",
    "kampung a 1/", "Jl. A B C D E 1998 ",
    # Tenth pass: a named date with a bracket, dash, slash or two spaces before a counted
    # word, a house joined by any dash, a slash house after "gang", office hours, a year
    # after a plan's word, a score, a date list and a fraction after "kampung".
    "Budi (1 2 ", "Budi/1  2  ", "a - 1 2 73 rumah ", "ttl a / 1 2 ", "Jl. A 1–", "Blok C–",
    "No. 1–2–", "gang a 1/", "08.30-12.", "1.00-1.00-", "Jl. A B C D anggaran 2024 ",
    "kampung a 1/2 dan ", "kampung a 1/2 a", "gang a 3-0 ",
    # Oddly grouped 16-digit numbers and superscript digits (QA of the public surface).
    "123:", "1234;1234+", "12345678=", "\u00b9\u00b2 ",
    # Tenth session: an address spelled out, "di gmail titik".
    "a di gmail titik ", "a.a di yahoo titik a ",
]  # fmt: skip
LENGTH = 4_000  # a message's and a reply's maximum (feedback.forms)


def best_of(function, text: str, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    setup_django()
    from django.utils import translation

    from satudata.feedback.privacy import public_text

    translation.activate("id")
    digits = re.compile(r"\d+")

    def baseline(text: str) -> str:
        return digits.sub("#", text)

    slowest, worst_growth = 0.0, 0.0
    for piece in PIECES:
        short = (piece * (LENGTH // len(piece) + 1))[:LENGTH]
        long = (piece * (5 * LENGTH // len(piece) + 1))[: 5 * LENGTH]
        masked, masked_long = best_of(public_text, short), best_of(public_text, long)
        plain = best_of(baseline, short)
        slowest = max(slowest, masked)
        growth = masked_long / masked
        worst_growth = max(worst_growth, growth)
        say(
            f"{piece!r:>26} x {LENGTH:,} chars: {masked * 1000:6.1f} ms vs plain regex "
            f"{plain * 1000:5.2f} ms ({masked / plain:5.0f}x); 5x the text {growth:.1f}x the time"
        )
    say(
        f"slowest at {LENGTH:,} characters: {slowest * 1000:.1f} ms (goal <= 100 ms); "
        f"largest growth for 5x the text: {worst_growth:.1f}x (linear is ~5x)"
    )


if __name__ == "__main__":
    main()
