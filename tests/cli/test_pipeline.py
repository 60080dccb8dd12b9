"""One pipeline for questions (lineage.cli.pipeline): a command is its ask's options plus a shared tail, and prints
the ask's answer as JSON or with its show."""

import inspect
import json
from typing import Annotated

import typer
from typer.testing import CliRunner

from lineage.cli import app
from lineage.cli.pipeline import ALIAS, QUESTION, Asked, question
from lineage.errors import SourceFormatError
from lineage.questions.answer import Answer, Field
from lineage.vocab import Status


class Echoed(Answer):
    """What the toy question answers."""

    word: str = Field(description="The word asked about.")
    least: Status = Field(description="The weakest status kept.")


def _show(answer: Echoed, asked: Asked) -> None:
    typer.echo(f"{answer.word} at least {answer.least.value} ({asked.given['word']})")


def _ask(asked: Asked, word: Annotated[str, typer.Argument(help="A word.")]) -> Echoed:
    if word == "bad":
        raise SourceFormatError("bad word")
    return Echoed(word=word.upper(), least=asked.least)


def _toy(tail) -> typer.Typer:
    toy = typer.Typer()
    toy.command("echo")(question(_show, tail)(_ask))
    toy.command("other")(lambda: None)  # two commands: typer keeps the command name
    return toy


def test_the_command_takes_the_asks_own_options_then_the_tail():
    command = question(_show, QUESTION)(_ask)
    assert list(inspect.signature(command).parameters) == ["word", "min_status", "fmt", "store", "json_out"]
    assert list(inspect.signature(question(_show, ALIAS)(_ask)).parameters) == ["word", "min_status", "store", "json_out"]


def test_text_comes_from_the_show_and_json_from_the_answer():
    runner = CliRunner()
    text = runner.invoke(_toy(QUESTION), ["echo", "mla", "--min-status", "reported"])
    assert (text.exit_code, text.output) == (0, "MLA at least reported (mla)\n")
    as_json = runner.invoke(_toy(QUESTION), ["echo", "mla", "--format", "json"])
    assert json.loads(as_json.output) == {"word": "MLA", "least": "contradicted"}  # no --min-status: every status
    assert json.loads(runner.invoke(_toy(ALIAS), ["echo", "mla", "--json"]).output)["word"] == "MLA"


def test_a_library_error_is_one_line_and_its_exit_code():
    result = CliRunner().invoke(_toy(QUESTION), ["echo", "bad", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.output.strip().splitlines()[-1]) == {"error": "bad word", "code": 2}


def test_every_question_answers_through_the_pipeline():
    """The noun-first questions and the commands they are made of keep their ask and show."""
    made = {c.name: c.callback for c in app.registered_commands}
    for name in ("technique", "model", "compare", "labs", "hardware", "ls", "who-uses", "origin", "show", "adopters",
                 "timeline", "inherited", "path", "symbiosis", "ancestry", "descendants", "family-changes", "on-hardware"):
        callback = made[name]
        callback = getattr(callback, "__wrapped__", callback)  # a renamed command prints its notice first
        assert callable(getattr(callback, "ask", None)) and callable(getattr(callback, "show", None)), name
