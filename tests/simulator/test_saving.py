"""Saving never harms what is at the path: links, special files, leftovers of killed saves, long names."""

import os
import re
import stat

import pytest

from simulator import atomic_write
from simulator.errors import ProjectFileError
from simulator.network import Network
from simulator.project_file import Project, load_project, save_project
from simulator.settings import TrainingSettings


def project(seed=0, title="p"):
    return Project(Network([2, 3, 1], seed=seed), {"recipe": {"generator": "xor", "n": 8}},
                   TrainingSettings(), title=title)


def test_a_symbolic_link_is_written_through_to_its_file(tmp_path):
    real = tmp_path / "real" / "lesson.json"
    real.parent.mkdir()
    save_project(project(title="old"), real)
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    save_project(project(title="new"), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert load_project(real).title == "new"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert sorted(os.listdir(real.parent)) == ["lesson.json"]


def test_a_chain_of_links_and_a_dangling_link_reach_the_file(tmp_path):
    target = tmp_path / "new.json"
    first = tmp_path / "a.json"
    first.symlink_to(target)  # dangling: the file does not exist yet
    second = tmp_path / "b.json"
    second.symlink_to(first)
    save_project(project(title="made"), second)
    assert first.is_symlink() and second.is_symlink()
    assert load_project(target).title == "made"


@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "link_to_device"])
def test_a_target_that_is_not_a_regular_file_is_refused_untouched(tmp_path, kind):
    path = tmp_path / "out.json"
    if kind == "folder":
        path.mkdir()
        words = "it is a folder, not a file"
    elif kind == "fifo":
        os.mkfifo(path)
        words = "it is a named pipe (FIFO), not a file"
    elif kind == "device":
        path = "/dev/null"
        words = "/dev/null: it is a device, not a file"
    else:
        path.symlink_to("/dev/null")
        words = "(which leads to /dev/null): it is a device, not a file"
    before = os.lstat(path)
    with pytest.raises(ProjectFileError, match=f"cannot save .*{re.escape(words)}"):
        save_project(project(), path)
    after = os.lstat(path)
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert after.st_ino == before.st_ino
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]


def test_the_leftovers_of_killed_saves_are_removed_by_the_next_save(tmp_path):
    target = tmp_path / "p.json"
    save_project(project(), target)
    leftovers = [f".p.json.{token}.tmp" for token in ("0badcafe", "12345678", "ffffffff")]
    others = [".q.json.0badcafe.tmp", ".p.json.notmine.tmp", "p.json.0badcafe.tmp", ".p.json.bak"]
    for name in leftovers + others:
        (tmp_path / name).write_bytes(b"x" * 1000)
    save_project(project(seed=1), target)
    assert sorted(os.listdir(tmp_path)) == sorted(others + ["p.json"])


def test_a_save_under_way_keeps_its_temporary_file_when_another_save_of_the_file_runs(tmp_path):
    target = tmp_path / "p.json"
    save_project(project(), target)
    fd, writing = atomic_write.create_temp(str(tmp_path), "p.json")  # a second save, mid-write
    try:
        os.write(fd, b'{"half": ')
        save_project(project(seed=1), target)
        assert os.path.exists(writing)  # still there for its own save to finish
    finally:
        os.close(fd)
    save_project(project(title="last"), target)  # once that save is gone, its file is a leftover
    assert sorted(os.listdir(tmp_path)) == ["p.json"]
    assert load_project(target).title == "last"


def test_a_name_of_250_characters_saves_and_its_leftovers_are_found(tmp_path):
    base = "l" * 245 + ".json"
    target = tmp_path / base
    save_project(project(title="long"), target)
    assert load_project(target).title == "long"
    stem = atomic_write.temp_stem(str(tmp_path), base)
    leftover = tmp_path / f"{stem}.0badcafe.tmp"
    leftover.write_bytes(b"x")
    assert len(leftover.name) <= 255
    other = atomic_write.temp_stem(str(tmp_path), "l" * 245 + ".jsom")
    assert other != stem  # two long names never share temporary files
    save_project(project(title="again"), target)
    assert sorted(os.listdir(tmp_path)) == [base]


def test_the_file_and_its_folder_are_synced(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.fstat(fd).st_mode) or real_fsync(fd))
    save_project(project(), tmp_path / "p.json")
    assert [stat.S_ISREG(m) for m in synced] == [True, False]
    assert stat.S_ISDIR(synced[1])


def test_a_new_file_gets_the_default_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        save_project(project(), tmp_path / "p.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "p.json").st_mode) == 0o640
