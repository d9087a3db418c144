"""Synthetic Chinese department reports (决算/预算/绩效自评) with known answers.

The test fixture and benchmark corpus of the project: every file comes with a truth JSON in
the fields.md §7 shape, and everything is deterministic from the seed.
"""

from synth.corpus import write_corpus
from synth.damage import apply_damage
from synth.generate import generate_report
from synth.model import Report
from synth.render import render

__all__ = ["Report", "apply_damage", "generate_report", "render", "write_corpus"]
