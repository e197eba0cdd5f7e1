"""Searching the worker ledger by name prefix finds exactly the names that start with it."""
from app.views.filters import FilterStartsWithRange
from app.views.workers import WorkerApi, WorkerView


def test_name_starts_with_is_the_index_range_filter_in_fabs_position():
    for view in (WorkerView, WorkerApi):
        filters = view.datamodel.get_filters(["name", "id_number"]).get_search_filters()
        assert type(filters["name"][0]) is FilterStartsWithRange
        assert filters["name"][0].arg_name == "sw"
        assert type(filters["id_number"][0]) is not FilterStartsWithRange


def test_name_prefix_search_matches_exactly_the_prefix(client_for, factory):
    # 张 is U+5F20; 弡 (U+5F21) is the first character after it.
    for name in ("张", "张三", "张三丰", "弡一", "章三", "李张"):
        factory.worker(name=name)
    client = client_for("shebao")

    def found(prefix):
        page = client.get(f"/workerview/list/?_flt_0_name={prefix}").get_data(as_text=True)
        return {n for n in ("张", "张三", "张三丰", "弡一", "章三", "李张") if f">{n}<" in page}

    assert found("张") == {"张", "张三", "张三丰"}
    assert found("张三") == {"张三", "张三丰"}
    assert found("张三丰") == {"张三丰"}
    assert found("李") == {"李张"}


def test_api_name_prefix_search(client_for, factory):
    factory.worker(name="张三")
    factory.worker(name="章三")
    query = '(filters:!((col:name,opr:sw,value:张)))'
    response = client_for("shebao").get(f"/api/v1/worker/?q={query}")
    assert response.status_code == 200
    assert [row["name"] for row in response.json["result"]] == ["张三"]


def test_id_numbers_can_only_be_searched_whole(client_for, factory):
    """Someone who sees 500114********123X must not rebuild it with "starts with" searches."""
    worker = factory.worker(name="王小二")
    for view in (WorkerView, WorkerApi):
        filters = view.datamodel.get_filters(["id_number"]).get_search_filters()["id_number"]
        assert [type(f).__name__ for f in filters] == ["FilterEqual"]
    client = client_for("zhuanban")
    assert "王小二" in client.get(f"/workerview/list/?_flt_0_id_number={worker.id_number}").get_data(as_text=True)
    partial = client.get(f"/workerview/list/?_flt_0_id_number={worker.id_number[:10]}").get_data(as_text=True)
    assert "王小二" not in partial
    query = f'(filters:!((col:id_number,opr:sw,value:{worker.id_number[:10]})))'
    assert client.get(f"/api/v1/worker/?q={query}").status_code == 400


def test_a_filter_index_the_column_does_not_have_is_ignored(client_for, factory):
    factory.worker(name="王小二")
    response = client_for("shebao").get("/workerview/list/?_flt_9_name=王")
    assert response.status_code == 200
