"""Writing a user's file: whole or not at all, with the usual permissions, where asked."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from llmecon.cli.app import main
from llmecon.errors import InputError
from llmecon.fileio import atomic_write

TABLE = Path(__file__).resolve().parent / "data" / "measured_serving" / "measured_serving.csv"
SWEEP = ["inference", "sweep", "--models", "Llama-3.1-8B", "--gpus-list", "H100",
         "--batches", "1,8", "--inputs", "1000", "--prices", "2"]


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_a_new_file_gets_0666_less_the_umask_and_a_replaced_one_keeps_its_mode(
        tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        new = atomic_write(tmp_path / "new.txt", "x")
        assert _mode(new) == 0o640  # not the temporary file's 0600
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o604)
        atomic_write(kept, "new")
        assert kept.read_text() == "new" and _mode(kept) == 0o604
    finally:
        os.umask(old)


def test_a_directory_is_not_a_file_to_write(tmp_path: Path) -> None:
    (tmp_path / "adir").mkdir()
    with pytest.raises(InputError, match=r"adir: is a directory; expected the path of a file"):
        atomic_write(tmp_path / "adir", "x")
    assert list((tmp_path / "adir").iterdir()) == []  # no temporary file left


def test_a_device_or_pipe_is_never_replaced_by_a_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From a hostile-input audit: `predict ... -o /dev/full --force` said "wrote /dev/full"
    and left a regular file where the device was (as root); a pipe went the same way."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match=r"pipe.csv: not a regular file"):
        atomic_write(fifo, "x")
    assert main(["inference", "predict", str(TABLE), "-o", str(fifo), "--force"]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.csv"]  # nothing left beside


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_a_link_to_a_pipe_like_dev_stdout_says_pipe_not_link_to_nothing(
        tmp_path: Path) -> None:
    """attack33 L7: '-o /dev/stdout' into a pipe said "a link to nothing": /proc's link
    to 'pipe:[...]' does not resolve as a path, yet opens."""
    read_end, write_end = os.pipe()
    try:
        stdout_like = tmp_path / "stdout"
        stdout_like.symlink_to(f"/proc/self/fd/{write_end}")
        with pytest.raises(InputError) as e:
            atomic_write(stdout_like, "x")
        assert str(e.value) == (f"{stdout_like}: not a regular file (a device, pipe or "
                                "socket); expected the path of a file to write ('-o -' "
                                "writes to standard output where a command offers it)")
        assert stdout_like.is_symlink()
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_link_keeps_its_place_and_its_target_is_written(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


def test_a_link_to_nothing_or_a_loop_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """From a review: a link to a file that did not exist yet counted as no file (no
    --force needed) and the write landed where the link pointed (another user's choice in
    a shared /tmp); a loop of links became a regular file."""
    (tmp_path / "victim").mkdir()
    dangling = tmp_path / "out.yaml"
    dangling.symlink_to(tmp_path / "victim" / "planted.yaml")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.symlink_to(b)
    b.symlink_to(a)
    for link in (dangling, a):
        with pytest.raises(InputError, match=r"a link to nothing \(or a loop of links\)"):
            atomic_write(link, "x")
        assert main(["export", "zhipu", "-o", str(link)]) == 2
        assert "a link to nothing" in capsys.readouterr().err
    assert not (tmp_path / "victim" / "planted.yaml").exists() and a.is_symlink()


def test_standard_output_is_not_a_file_named_dash(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    """From a review: `report zhipu -o -` wrote a 4.9 MB file named '-'; and a folder that
    does not exist is refused before the work, not after every simulation ran."""
    monkeypatch.chdir(tmp_path)
    assert main(["report", "zhipu", "--format", "html", "-o", "-"]) == 2
    assert "writes a file, not standard output" in capsys.readouterr().err
    assert main(["report", "zhipu", "-o", "typo/r.html"]) == 2
    out, err = capsys.readouterr()
    assert "no folder typo" in err and "building" not in out
    assert list(tmp_path.iterdir()) == []


def test_a_sweep_file_is_written_where_asked_and_kept_without_force(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    keep = tmp_path / "keep.txt"
    assert main([*SWEEP, "-f", str(keep), "--format", "csv"]) == 2
    assert "the name ends in .txt but the format is csv" in capsys.readouterr().err
    assert not keep.exists() and not (tmp_path / "keep.csv").exists()
    out = tmp_path / "grid.csv"
    out.write_text("precious")
    assert main([*SWEEP, "-f", str(out)]) == 2
    assert "exists; use --force" in capsys.readouterr().err and out.read_text() == "precious"
    assert main([*SWEEP, "-f", str(out), "--force"]) == 0
    assert out.read_text().startswith("model,")
    bare = tmp_path / "grid"  # no suffix, the format given: written under that name
    assert main([*SWEEP, "-f", str(bare), "--format", "csv"]) == 0
    assert bare.read_text().startswith("model,")


def test_predict_to_standard_output(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["inference", "predict", str(TABLE), "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("pred_ttft_ms,pred_tpot_ms,pred_output_tok_s_per_gpu,"
                                        "pred_bound,status")
    assert len(out.splitlines()) > 3000 and not (tmp_path / "-").exists()


def test_a_missing_folder_is_named_not_created(tmp_path: Path) -> None:
    """From a hostile-input audit: '-o typo/x.csv' created the folder 'typo' (and any above
    it) without a word."""
    with pytest.raises(InputError, match=r"x.csv: no folder .*typo/deeper; create it first"):
        atomic_write(tmp_path / "typo" / "deeper" / "x.csv", "x")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_named_before_the_work_by_the_users_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # from a hostile-input audit: a read-only folder was found after the report was built,
    # and the error named the temporary file (.keep.html.xxxx.tmp)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path
                        else real_access(p, mode))
    out = tmp_path / "keep.csv"
    assert main([*SWEEP, "-f", str(out)]) == 2
    assert capsys.readouterr().err == (f"llmecon: error: {out}: the folder {tmp_path} cannot "
                                       "be written (no permission, or a read-only file "
                                       "system)\n")
    monkeypatch.undo()

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    out.write_text("old")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(InputError, match=r"keep.csv: cannot write it \(No space left on "
                                         r"device\); the file as it was is kept"):
        atomic_write(out, "new")
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["keep.csv"]


def test_an_empty_output_path_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    # it was "llmecon: error: : is a directory; expected the path of a file to write"
    assert main(["compare", "zhipu", "--format", "xlsx", "-o", ""]) == 2
    assert capsys.readouterr().err == ("llmecon: error: -o: expected the path of a file to "
                                       "write, found ''\n")
