#include <smart/outcome.hpp>

#include <catch2/catch.hpp>

using namespace smart;

TEST_CASE("outcome: a variant's verdict reads the same in every run but a calibration")
{
  for (const char* verdict : {"keep", "revert", "inconclusive", "failed", "aborted", "skipped"}) {
    INFO(verdict);
    CHECK(outcome::verdict_label(verdict, "run") == outcome::verdict_label(verdict));
    CHECK(outcome::verdict_label(verdict, "") == verdict);
    CHECK(outcome::verdict_label(verdict, "advise") == verdict);
    CHECK(outcome::verdict_tone(verdict, "advise") == outcome::verdict_tone(verdict));
    CHECK(outcome::verdict_explanation(verdict, "run") == outcome::verdict_explanation(verdict));
  }
  CHECK(outcome::verdict_label("bogus", "run") == "?");
}

TEST_CASE("outcome: in a calibration (A/A) run nothing is reverted or kept")
{
  CHECK(outcome::verdict_label("revert", "calibrate") == "no difference");
  CHECK(outcome::verdict_label("inconclusive", "calibrate") == "no difference");
  CHECK(outcome::verdict_tone("revert", "calibrate") == outcome::Tone::neutral);
  CHECK(outcome::verdict_label("keep", "calibrate") == "false keep");
  CHECK(outcome::verdict_tone("keep", "calibrate") == outcome::Tone::warn);
  CHECK(outcome::verdict_explanation("keep", "calibrate").starts_with("false keep: "));
  CHECK(outcome::verdict_explanation("revert", "calibrate").starts_with("no difference: "));
  // What went wrong still says so.
  CHECK(outcome::verdict_label("failed", "calibrate") == "failed");
  CHECK(outcome::verdict_tone("failed", "calibrate") == outcome::Tone::bad);
  CHECK(outcome::verdict_label("aborted", "calibrate") == "aborted");
}

TEST_CASE("outcome: an undo reads 'undone', and kept nothing")
{
  CHECK(outcome::run_label("reverted", "undo") == "undone");
  CHECK(outcome::run_tone("reverted", "undo") == outcome::Tone::neutral);
  CHECK(outcome::kept_text("reverted", "undo", "none", "", "") ==
        "nothing — a kept change undone (smart-run --undo)");
  // A failed undo is a failed revert first.
  CHECK(outcome::run_label("revert_failed", "undo") == "revert failed");
}
