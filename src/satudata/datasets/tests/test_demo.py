from satudata.core.demo import seed_demo
from satudata.datasets.models import Dataset


def test_demo_datasets_are_published_marked_and_not_duplicated(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    seed_demo()
    assert Dataset.objects.public().filter(is_demo=True).count() == 12
    seed_demo()
    assert Dataset.all_objects.count() == 12
