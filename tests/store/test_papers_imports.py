"""An ingest does not pay for numpy: only the vector methods import it."""

import subprocess
import sys


def test_opening_a_store_and_ingesting_files_does_not_import_numpy(tmp_path):
    code = (
        "import sys\n"
        "from academichub.pipeline import ingest_files\n"
        "from academichub.store import open_store\n"
        f"store = open_store('sqlite:///{tmp_path / 'hub.db'}')\n"
        "ingest_files(store, [])\n"
        "store.close()\n"
        "print('numpy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_the_vector_methods_still_work_without_numpy_imported_up_front(tmp_path):
    import numpy as np

    from academichub.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'hub.db'}")
    store._conn.execute(
        "INSERT INTO papers (id, title, source, source_label, fingerprint, created_at, changed_at) "
        "VALUES (1, 't', 's', 'l', '', '', '')"
    )
    store.save_vectors("m", [(1, np.array([1.0, 2.0], dtype=np.float32), "h")])
    ids, matrix = store.all_vectors("m")
    assert ids == [1] and matrix.tolist() == [[1.0, 2.0]]
    assert store.vectors_for([1], "m")[1][0].tolist() == [1.0, 2.0]
    store.save_text_vectors("m", [("h", np.array([3.0], dtype=np.float32))])
    assert store.text_vectors(["h"], "m")["h"].tolist() == [3.0]
    store.close()
