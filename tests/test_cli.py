import subprocess
import sys

import pandas as pd

from gnt_core.cli import main


def test_demo_train_evaluate_score(tmp_path, capsys):
    assert main(["demo", str(tmp_path / "demo")]) == 0
    run = tmp_path / "run"
    assert main(["train", "--data", str(tmp_path / "demo"), "--epochs", "2",
                 "--protocol", "random", "--out", str(run)]) == 0
    out = capsys.readouterr().out
    assert "gnt " in out and "degree" in out and "protocol: random" in out
    assert main(["evaluate", str(run)]) == 0
    assert "gne_mlp" in capsys.readouterr().out
    assert main(["score", str(run), "--top", "10", "--out", str(tmp_path / "top.csv")]) == 0
    top = pd.read_csv(tmp_path / "top.csv")
    assert len(top) == 10 and list(top.columns[:3]) == ["Gene1", "Gene2", "EdgeWeight"]
    assert main(["score", str(run), "--out", str(tmp_path / "all.sif")]) == 0
    assert (run / "model" / "stack.npz").is_file()  # the default ranks through the layer
    assert main(["train", "--data", str(tmp_path / "demo"), "--epochs", "2", "--protocol",
                 "random", "--no-stacking", "--no-ablation", "--out", str(tmp_path / "svm")]) == 0
    assert not (tmp_path / "svm" / "model" / "stack.npz").exists()
    assert main(["score", str(tmp_path / "svm"), "--format", "beeline", "--top", "2000",
                 "--out", str(tmp_path / "svm.tsv")]) == 0
    from tests.test_discovery import assert_both_ways  # one score for both ways, both listed

    assert_both_ways(pd.read_csv(tmp_path / "svm.tsv", sep="\t"),
                     pd.read_csv(tmp_path / "demo" / "refNetwork.csv"))
    assert main(["train", "--data", str(tmp_path / "demo"), "--out", str(run)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["train", "--data", str(tmp_path / "demo"), "--cell-groups", "0",
                 "--out", str(tmp_path / "other")]) == 2
    assert "--cell-groups must be from 1 to the number of cells (300)" in capsys.readouterr().err
    for option, value, message in (("--epochs", "0", "--epochs must be at least 1, not 0"),
                                   ("--lr", "0", "--lr must be above 0, not 0")):
        assert main(["train", "--data", str(tmp_path / "demo"), option, value,
                     "--out", str(tmp_path / "other")]) == 2
        assert message in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
    assert main(["score", str(run), "--out", str(tmp_path / "top.xlsx")]) == 2
    assert "cannot tell the export format from" in capsys.readouterr().err


def test_bad_input_exits_2_with_one_paragraph_and_no_traceback(tmp_path):
    (tmp_path / "e.csv").write_text(",c1,c2\nA,1,oops\nB,1,2\n")
    (tmp_path / "n.csv").write_text("Gene1,Gene2\nA,B\n")
    result = subprocess.run([sys.executable, "-m", "gnt_core.cli", "train", "--expression",
                             str(tmp_path / "e.csv"), "--network", str(tmp_path / "n.csv"),
                             "--out", str(tmp_path / "r")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "line 2, column 3 holds 'oops'" in result.stderr.replace("\n", " ")
    assert not (tmp_path / "r").exists()
