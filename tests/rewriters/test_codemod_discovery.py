import os

from rewriters.discovery import discover


def _touch(path, text="import tvm\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_walk_skips_vcs_venvs_build_and_caches(tmp_path):
    for rel in ["a.py", "nb.ipynb", "sub/b.py", ".git/x.py", "build/c.py", "__pycache__/d.py",
                "myenv/lib/e.py", "node_modules/f.py", "pkg.egg-info/g.py", "notes.txt"]:
        _touch(tmp_path / rel)
    (tmp_path / "myenv" / "pyvenv.cfg").write_text("home = /usr\n")
    found = sorted(os.path.relpath(p, tmp_path) for p in discover([str(tmp_path)]))
    assert found == ["a.py", "nb.ipynb", os.path.join("sub", "b.py")]


def test_include_exclude_globs(tmp_path):
    for rel in ["a.py", "tests/test_a.py", "scripts/run.py", "x.pyw"]:
        _touch(tmp_path / rel)
    found = sorted(os.path.relpath(p, tmp_path)
                   for p in discover([str(tmp_path)], include=["*.py", "*.pyw"], exclude=["tests/*", "run.py"]))
    assert found == ["a.py", "x.pyw"]


def test_explicit_file_taken_whatever_its_name_and_symlinks_not_followed(tmp_path):
    _touch(tmp_path / "outside" / "o.py")
    _touch(tmp_path / "tree" / "script")
    os.symlink(tmp_path / "outside", tmp_path / "tree" / "linked_dir")
    os.symlink(tmp_path / "outside" / "o.py", tmp_path / "tree" / "linked.py")
    found = list(discover([str(tmp_path / "tree"), str(tmp_path / "tree" / "script")]))
    assert found == [str(tmp_path / "tree" / "script")]


def test_duplicates_once_and_stdin(tmp_path):
    _touch(tmp_path / "a.py")
    assert list(discover([str(tmp_path), str(tmp_path / "a.py"), "-"])) == [str(tmp_path / "a.py"), "-"]
