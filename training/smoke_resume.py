"""Check train.py's resuming on the GPU machine in ~30 s, before a long run depends on it.

    python3 training/smoke_resume.py [--model transformer] [--out /tmp/smoke]

Short runs of one model in one process: cut by a zero deadline after step 1 (state.pt and
resume.pt written), resumed from state.pt (step 2), refused with another seed, resumed from
resume.pt alone (step 3), finished (step 4: model saved, resume files gone, evaluated), and started
once more with a stale resume.pt beside the model (finished already: train.json untouched).
Exits non-zero with the first failed check.
"""

import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train  # noqa: E402


def run(model, out, *extra):
    sys.argv = ["train.py", "--model", model, "--out", out, "--steps", "4", "--workers", "1",
                "--eval-samples", "2", "--eval-deadline", "1", *extra]
    train.main()
    return json.load(open(os.path.join(out, "train.json")))


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="transformer")
    ap.add_argument("--out", default="/tmp/smoke-resume")
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    has = lambda name: os.path.exists(os.path.join(a.out, name))
    log = run(a.model, a.out, "--deadline", "0")
    check(log["steps_done"] == 1 and has("state.pt") and has("resume.pt"), "cut at step 1, both files saved")
    log = run(a.model, a.out, "--deadline", "0")
    check(log["steps_done"] == 2 and log["calls"][-1]["resumed_from"] == "state.pt", "resumed from state.pt")
    try:
        run(a.model, a.out, "--deadline", "0", "--seed", "1")
        check(False, "a resume with another seed is refused")
    except SystemExit as e:
        check("other settings" in str(e), "a resume with another seed is refused")
    os.remove(os.path.join(a.out, "state.pt"))
    log = run(a.model, a.out, "--deadline", "0")
    check(log["steps_done"] == 3 and log["calls"][-1]["resumed_from"] == "resume.pt", "resumed from resume.pt")
    shutil.copy(os.path.join(a.out, "resume.pt"), os.path.join(a.out, "stale.pt"))
    log = run(a.model, a.out)
    check(log["steps_done"] == 4 and has("model/config.json") and not has("state.pt") and not has("resume.pt")
          and len(log["eval"]) >= 1 and len(log["calls"]) == 4, "finished: model saved, resume files gone, evaluated")
    os.replace(os.path.join(a.out, "stale.pt"), os.path.join(a.out, "resume.pt"))
    before = open(os.path.join(a.out, "train.json")).read()
    run(a.model, a.out)
    check(open(os.path.join(a.out, "train.json")).read() == before, "a finished run is not trained again")


if __name__ == "__main__":
    main()
