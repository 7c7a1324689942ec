"""Current state from every source a user has, into one canonical State."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from sgplan.formats import console, snapshot
from sgplan.formats.current import load_current
from sgplan.model.issues import InputError

DATA = Path(__file__).resolve().parents[1] / "data"
API = DATA / "api"


def texts(group):
    return sorted(r.text() for r in group.rules)


def test_documented_sample_body():
    loaded = load_current(API / "doc_sample_attribute.json")
    (g,) = loaded.state.groups
    assert (g.id, g.name, g.vpc_id, g.inner_access_policy) == (
        "sg-bp1gxw6bznjjvhu3****", "SecurityGroupName Sample", "vpc-bp1opxu1zkhn00gzv****", "accept")  # fmt: skip
    assert texts(g) == ["ingress accept tcp 80 from 0.0.0.0/0 priority 1"]
    assert loaded.state.region == "cn-hangzhou"
    assert loaded.formats == ["api-json"]


def test_pages_metadata_and_every_quirk():
    loaded = load_current([API / "pay_page1.json", API / "pay_page2.json", API / "pay_groups.json",
                           API / "nat_managed_attribute.json"])  # fmt: skip
    groups = {g.id: g for g in loaded.state.groups}
    pay = groups["sg-uf6a1o2kqmxcs7t3yqwe"]
    assert len(pay.rules) == 11  # two pages merged
    assert (
        pay.tags == {"env": "prod", "team": "pay"} and pay.resource_group_id == "rg-acfmv2pj3kzcpwq"
    )
    assert pay.inner_access_policy == "drop" and pay.description == "支付接口"
    by_id = {r.rule_id: r for r in pay.rules}
    assert (
        by_id["sgr-uf6ingress22ops"].text()
        == "ingress accept tcp 22 from 121.40.18.27/32 priority 5"
    )  # bare IP, string priority
    assert by_id["sgr-uf6ingress22ops"].description == "运维跳板机"
    assert str(by_id["sgr-uf6ingressxacct"].peer) == "1609982529921234/sg-bp174yoe2ib1sqj5qwer"
    assert (
        by_id["sgr-uf6ingressdrop"].text() == "ingress drop all from 0.0.0.0/0 priority 100"
    )  # ALL, Drop
    assert by_id["sgr-uf6ingressicmp"].priority == 110  # legacy system rule
    assert (
        by_id["sgr-uf6egressgrp"].text()
        == "egress accept tcp 3306 to sg-uf6db00000000000abcd priority 1"
    )
    five = by_id["sgr-uf6egress5t"]
    assert (str(five.source_ports), five.local_cidr, str(five.peer)) == (
        "1024/65535",
        "10.0.1.0/24",
        "10.0.8.0/24",
    )
    nat = groups["sg-uf6natmanaged00000001"]
    assert nat.managed and nat.type == "enterprise" and nat.live.service_id == 12345678910
    assert loaded.warnings == []


def test_a_list_of_bodies_and_a_folder(tmp_path):
    bodies = [json.loads((API / n).read_text()) for n in ("pay_page1.json", "pay_page2.json")]
    (tmp_path / "all.json").write_text(json.dumps(bodies, ensure_ascii=False))
    (g,) = load_current(tmp_path / "all.json").state.groups
    assert len(g.rules) == 11
    folder = tmp_path / "dump"
    folder.mkdir()
    for n in ("pay_page1.json", "pay_page2.json", "pay_groups.json", "nat_managed_attribute.json"):
        shutil.copy(API / n, folder / n)
    assert len(load_current(folder).state.groups) == 2


def test_metadata_without_rules_is_a_warning_not_an_empty_group(tmp_path):
    loaded = load_current([API / "pay_page1.json", API / "pay_groups.json"])
    assert [g.id for g in loaded.state.groups] == ["sg-uf6a1o2kqmxcs7t3yqwe"]
    assert [w.message for w in loaded.warnings] == [
        "group sg-uf6natmanaged00000001 is listed but its rules were not given, so it is not "
        "judged (add its DescribeSecurityGroupAttribute body)"
    ]


def test_a_port_list_rule_is_read_never_dropped(tmp_path):
    body = json.loads((API / "doc_sample_attribute.json").read_text())
    body["Permissions"]["Permission"][0]["PortRangeListId"] = "prl-bp1abc"
    body["Permissions"]["Permission"][0]["PortRangeListName"] = "web-ports"
    body["Permissions"]["Permission"][0]["PortRange"] = ""
    path = tmp_path / "prl.json"
    path.write_text(json.dumps(body))
    loaded = load_current(path)
    assert loaded.warnings == []
    (rule,) = loaded.state.groups[0].rules
    assert rule.port_list == "prl-bp1abc"
    assert rule.create_time == "2018-12-12T07:28:38Z"
    assert rule.text() == "ingress accept tcp ports prl-bp1abc from 0.0.0.0/0 priority 1"


def test_pulumi_stack_export():
    loaded = load_current(API / "pulumi_export.json")
    (g,) = loaded.state.groups
    assert (g.id, g.name, g.tags, loaded.state.region) == (
        "sg-bp1c3x8jfk2a0web01",
        "prod-shop-web-sg",
        {"env": "prod"},
        "cn-hangzhou",
    )
    assert texts(g) == [
        "ingress accept tcp 22 from sg-bp1c3x8jfk2a0bst05 priority 1",
        "ingress accept tcp 443 from 0.0.0.0/0 priority 1",
        "ingress accept tcp 443 from ::/0 priority 1",
    ]
    (pl,) = loaded.state.prefix_lists
    assert (pl.id, pl.cidrs) == ("pl-bp1office7k2nq3v8", ("203.0.113.0/27",))


def test_snapshot_and_console_files_merge(tmp_path):
    shop = snapshot.read(DATA / "shop" / "state.json")
    web = next(g for g in shop.groups if g.name == "prod-shop-web-sg")
    path = console.write_csv(web, "cn-hangzhou", tmp_path, date(2026, 11, 24))
    loaded = load_current([path])
    assert set(loaded.state.groups[0].rules) == set(web.rules)
    assert loaded.state.region == "cn-hangzhou"
    with pytest.raises(
        InputError, match="group sg-bp1c3x8jfk2a0web01 appears in two current-state sources"
    ):
        load_current([DATA / "shop" / "state.json", path])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"hello": 1}', "format not recognised; expected an sgplan snapshot, ECS API JSON"),
        ('[{"Permissions": {}}]', "without SecurityGroupId"),
    ],
)
def test_unreadable_inputs_say_what_is_expected(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_current(path)


def test_missing_paths_and_regions_that_disagree(tmp_path):
    with pytest.raises(InputError, match="no such file or folder"):
        load_current(tmp_path / "nope.json")
    with pytest.raises(InputError, match="current-state sources are in different regions"):
        load_current([API / "doc_sample_attribute.json", API / "pay_page1.json"])
