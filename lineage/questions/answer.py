"""The base of the questions' answers: pydantic models whose validators are built when first used.

A question module defines several answers and a command shows a few of them; building every
model's validator when its module is imported cost a cold ``lineage technique`` 0.1-0.2 s
(measured with ``python -X importtime``), so each is built when first instantiated (``defer_build``).
"""

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    """A question's answer (or a part of one)."""

    model_config = ConfigDict(defer_build=True)
