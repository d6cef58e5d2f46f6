#!/bin/sh
# A Python project: venv, a local wheel built without network, pip install, pytest.
. "$(dirname "$0")/common.sh"
mkdir -p mylib/mylib mylib/tests
printf 'def double(x):\n    return 2 * x\n' > mylib/mylib/__init__.py
printf 'from mylib import double\n\ndef test_double():\n    assert double(21) == 42\n' > mylib/tests/test_double.py
python3 -m venv venv
# Build the wheel by hand (no `wheel` package offline): a wheel is a zip with metadata.
python3 - <<'PY'
import base64, hashlib, zipfile
files = {"mylib/__init__.py": open("mylib/mylib/__init__.py", "rb").read(),
         "mylib-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: mylib\nVersion: 1.0\n",
         "mylib-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: handmade\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
record = []
with zipfile.ZipFile("mylib-1.0-py3-none-any.whl", "w") as whl:
    for name, data in files.items():
        whl.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
    record.append("mylib-1.0.dist-info/RECORD,,")
    whl.writestr("mylib-1.0.dist-info/RECORD", "\n".join(record) + "\n")
PY
./venv/bin/pip install --no-index --disable-pip-version-check -q ./mylib-1.0-py3-none-any.whl
./venv/bin/python -c 'import mylib; assert mylib.double(2) == 4'
cd mylib && python3 -m pytest -q -p no:cacheprovider tests
