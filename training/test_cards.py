"""Checks of the shipped models' cards and their one-command reproduction, on the files in assets/models.

    python3 -m unittest discover -s training -p 'test_*.py'     (npm test runs it; standard library only)

They fail when a card no longer tells its train.json (cards.py was not run after ship.py), when the manifest
and the folders disagree, or when reproduce.py would run a phase that is not the one shipped.
"""

import functools
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

import recipe_text

ROOT = recipe_text.ROOT
MODELS = os.path.join(ROOT, "assets", "models")


def shipped():
    with open(os.path.join(MODELS, "manifest.json")) as f:
        return json.load(f)["models"]


@functools.cache
def train_json(model_id):
    with open(os.path.join(MODELS, model_id, "train.json")) as f:
        return json.load(f)


def card(model_id):
    with open(os.path.join(MODELS, model_id, "README.md")) as f:
        return f.read()


def reproduce(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "training", "reproduce.py"), *args],
                          capture_output=True, text=True, cwd=tempfile.gettempdir())


class ManifestAndFolders(unittest.TestCase):
    def test_planned_lists_every_variant_not_shipped(self):
        with open(os.path.join(MODELS, "manifest.json")) as f:
            planned = json.load(f).get("planned", [])
        ids = {e["id"] for e in shipped()}
        want = [v for v in recipe_text.ablation_plan() if v["id"] not in ids]
        self.assertEqual([p["id"] for p in planned], [v["id"] for v in want])
        for p, v in zip(planned, want):
            with self.subTest(variant=v["id"]):
                self.assertEqual(p["ablation"], {"axis": v["axis"], "value": v["value"], "base": v["base"]})
                self.assertFalse(os.path.exists(os.path.join(MODELS, v["id"])))
                pattern = recipe_text.flag_values(v["flags"], v["id"]).get("pattern")
                self.assertEqual(p["layout"], pattern or train_json(v["base"])["layout"])

    def test_each_listed_model_has_its_files_and_numbers(self):
        for entry in shipped():
            with self.subTest(model=entry["id"]):
                folder = os.path.join(MODELS, entry["id"])
                weights = ("model.safetensors",) if entry.get("weights", True) else ()
                self.assertEqual(entry.get("weights", True), os.path.exists(os.path.join(folder, "model.safetensors")))
                for name in ("config.json", "tokenizer.json", "README.md", "train.json", "eval.json", "loss.svg") + weights:
                    self.assertTrue(os.path.exists(os.path.join(folder, name)), name)
                t = train_json(entry["id"])
                self.assertEqual(entry["parameters"], t["parameters"])
                self.assertEqual(entry["architecture"], t["architecture"])
                self.assertEqual(entry["train_max_entries"], t["args"]["max_entries"])
                self.assertIn(f"**Status: {entry['status']}.**", card(entry["id"]))


    def test_a_variant_says_its_axis_value_and_base_as_the_plan_does(self):
        ids = {e["id"] for e in shipped()}
        for entry in shipped():
            planned = recipe_text.variant(entry["id"])
            with self.subTest(model=entry["id"]):
                if planned is None:
                    self.assertNotIn("ablation", entry)
                    continue
                self.assertEqual(entry["ablation"], {k: planned[k] for k in ("axis", "value", "base")})
                self.assertIn(entry["ablation"]["base"], ids)

    def test_no_status_or_card_names_a_project_target(self):
        for entry in shipped():
            with self.subTest(model=entry["id"]):
                for text in (entry["status"], card(entry["id"])):
                    self.assertNotRegex(text, r"target (>=|≥|of)|acceptance line|issue \d")


class AblationPlan(unittest.TestCase):
    def test_each_variant_runs_its_bases_commands_with_its_flags(self):
        for v in recipe_text.ablation_plan():
            with self.subTest(variant=v["id"]):
                base = train_json(v["base"])
                mine, theirs = recipe_text.variant_commands(v, base, "/r"), recipe_text.phase_commands(v["base"], base, "/r")
                self.assertEqual(len(mine), len(theirs))
                outs = recipe_text.variant_outs(v, base, "/r")
                self.assertEqual(outs[0], f"/r/{v['id']}")
                flags = lambda c: dict(zip(shlex.split(c)[2::2], shlex.split(c)[3::2]))  # train.py's flags all take a value
                for i, (command, out) in enumerate(zip(mine, outs)):
                    got, want = flags(command), {**flags(theirs[i]), **dict(zip(v["flags"][::2], v["flags"][1::2]))}
                    self.assertEqual(got.pop("--out"), out)
                    want.pop("--out")
                    if i:
                        self.assertEqual(got.pop("--init-from"), f"{outs[i - 1]}/model")
                        want.pop("--init-from")
                    # the base's settings, with the variant's flags over them, and nothing else
                    self.assertEqual(got, want)

    def test_the_plan_refuses_a_flag_that_is_not_a_variants_to_change(self):
        with self.assertRaisesRegex(ValueError, "--lr is not a setting a variant may change"):
            recipe_text.flag_values(["--lr", "1e-3"], "x")
        with self.assertRaisesRegex(ValueError, "pairs"):
            recipe_text.flag_values(["--seed"], "x")
        self.assertEqual(recipe_text.flag_values(["--seed", "2", "--pattern", "M-MMM-M-"], "x"), {"seed": 2, "pattern": "M-MMM-M-"})

    def test_reproduce_prints_an_unshipped_variants_commands(self):
        v = next(v for v in recipe_text.ablation_plan() if not os.path.exists(os.path.join(MODELS, v["id"])))
        done = reproduce(v["id"], "--dry-run")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual([line.split(": ", 1)[1] for line in done.stdout.splitlines()],
                         recipe_text.variant_commands(v, train_json(v["base"])))


class ShippingAVariant(unittest.TestCase):
    def test_a_variant_in_the_models_folder_is_carded_and_listed_with_its_field(self):
        """Data only: a variant's folder (here the hybrid's files, its weights left out, as a seed variant's may
        be) in a copy of assets/models, and cards.py lists it with its ablation field and weights: false."""
        v = recipe_text.variant("hybrid-seed1")
        with tempfile.TemporaryDirectory() as tmp:
            models = os.path.join(tmp, "models")
            shutil.copytree(MODELS, models, ignore=shutil.ignore_patterns("model.safetensors"))
            shutil.copytree(os.path.join(models, "hybrid"), os.path.join(models, v["id"]))
            for m in ("mamba", "mamba2", "hybrid", "transformer"):  # the bundled ones keep their weights (as files)
                open(os.path.join(models, m, "model.safetensors"), "w").close()
            with open(os.path.join(models, v["id"], "train.json")) as f:
                t = json.load(f)
            t["args"]["seed"] = t["base"]["args"]["seed"] = 1
            with open(os.path.join(models, v["id"], "train.json"), "w") as f:
                json.dump(t, f)
            empty = os.path.join(tmp, "sweeps")
            os.makedirs(empty)
            keep = ",".join(d for d in sorted(os.listdir(models)) if os.path.isdir(os.path.join(models, d)))  # every model there
            done = subprocess.run([sys.executable, os.path.join(ROOT, "training", "cards.py"), "--engine", empty,
                                   "--keep", keep, "--models", models], capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(models, "manifest.json")) as f:
                entries = {e["id"]: e for e in json.load(f)["models"]}
            self.assertEqual(list(entries)[-1], v["id"])
            self.assertEqual(entries[v["id"]]["ablation"], {"axis": "seed", "value": 1, "base": "hybrid"})
            self.assertIs(entries[v["id"]]["weights"], False)
            self.assertNotIn("weights", entries["hybrid"])
            with open(os.path.join(models, v["id"], "README.md")) as f:
                text = f.read()
            self.assertIn("An ablation variant of `hybrid` (seed: 1)", text)
            self.assertIn("--seed 1", text)
            self.assertTrue(os.path.exists(os.path.join(models, v["id"], "loss.svg")))


class Phases(unittest.TestCase):
    def test_every_phase_finished_its_planned_steps(self):
        for entry in shipped():
            for i, run in enumerate(recipe_text.phases(train_json(entry["id"]))):
                with self.subTest(model=entry["id"], phase=i):
                    self.assertEqual(run["steps_done"], run["args"]["steps"])
                    self.assertEqual(run["model"], train_json(entry["id"])["model"])

    def test_a_later_phase_starts_from_the_folder_the_one_before_wrote(self):
        t = train_json("mamba2")
        outs = recipe_text.phase_outs("mamba2", t, "/r")
        commands = recipe_text.phase_commands("mamba2", t, "/r")
        self.assertEqual(len(commands), len(recipe_text.phases(t)))
        self.assertNotIn("--init-from", commands[0])
        for before, command in zip(outs, commands[1:]):
            self.assertIn(f"--init-from {before}/model", command)
        self.assertEqual(len(set(outs)), len(outs))

    def test_one_phase_gives_one_command(self):
        first = recipe_text.phases(train_json("hybrid"))[0]
        self.assertEqual(len(recipe_text.phase_commands("hybrid", first)), 1)

    def test_ordinals(self):
        self.assertEqual([recipe_text.ordinal(i) for i in (0, 1, 5, 6)], ["first", "second", "sixth", "7th"])


class Cards(unittest.TestCase):
    def test_each_card_opens_with_the_caveats_and_shows_its_loss_as_a_plot(self):
        with open(os.path.join(ROOT, "training", "card_notes.json")) as f:
            caveats = json.load(f)["_all"]
        for entry in shipped():
            with self.subTest(model=entry["id"]):
                text = card(entry["id"])
                self.assertLess(text.index("## Read this first"), text.index("## How it was trained"))
                for c in caveats:
                    self.assertIn(f"- {c}", text)
                self.assertIn("![Training loss, phase after phase](loss.svg)", text)
                self.assertNotRegex(text, r"(\d+:\d\.\d+ ){10}")  # no step:loss lists inline
                with open(os.path.join(MODELS, entry["id"], "loss.svg")) as f:
                    svg = f.read()
                self.assertTrue(svg.startswith("<svg") and svg.count("<polyline") == len(recipe_text.phases(train_json(entry["id"]))))

    def test_each_card_gives_the_commands_of_its_train_json(self):
        for entry in shipped():
            with self.subTest(model=entry["id"]):
                text = card(entry["id"])
                for command in recipe_text.phase_commands(entry["id"], train_json(entry["id"])):
                    self.assertIn(f"`{command}`", text)

    def test_each_card_names_every_models_learning_rates(self):
        # the four bundled models; an ablation variant's card carries their line, its own commands say the rest
        trains = {e["id"]: train_json(e["id"]) for e in shipped() if "ablation" not in e}
        line = recipe_text.alike_line(trains)
        for entry in shipped():
            with self.subTest(model=entry["id"]):
                self.assertIn(line, card(entry["id"]))
                if "ablation" in entry:
                    continue
                lrs = " then ".join(recipe_text.lr_text(p["args"]["lr"]) for p in recipe_text.phases(trains[entry["id"]]))
                self.assertIn(f"{entry['id']} {lrs}", line)


class Reproduce(unittest.TestCase):
    def test_dry_run_prints_the_cards_commands(self):
        done = reproduce("mamba", "--dry-run")
        self.assertEqual(done.returncode, 0, done.stderr)
        commands = recipe_text.phase_commands("mamba", train_json("mamba"))
        self.assertEqual([line.split(": ", 1)[1] for line in done.stdout.splitlines()], commands)

    def test_refuses_a_folder_holding_a_finished_model(self):
        with tempfile.TemporaryDirectory() as runs:
            later = recipe_text.phase_outs("mamba2", train_json("mamba2"), runs)[-1]
            os.makedirs(os.path.join(later, "model"))
            open(os.path.join(later, "model", "config.json"), "w").close()
            done = reproduce("mamba2", "--runs", runs)
        self.assertEqual(done.returncode, 1)
        self.assertIn("holds a finished model", done.stderr)
        self.assertNotIn("phase 1", done.stdout)

    def test_an_unknown_id_lists_the_bundled_models(self):
        done = reproduce("mamba3")
        self.assertEqual(done.returncode, 1)
        self.assertIn("the bundled models are " + ", ".join(sorted(e["id"] for e in shipped())), done.stderr)


if __name__ == "__main__":
    unittest.main()
