"""``render_stack_module``: golden output, exact round trips, and what a stack cannot hold."""

from __future__ import annotations

import pytest

from sgplan.codegen import generate_stack_module, render_stack_module, round_trip
from sgplan.formats import snapshot
from sgplan.formats.current import load_current
from sgplan.model.build import build_state
from sgplan.model.issues import InputError
from sgplan.model.stack import State
from tests.codegen.estate import estate
from tests.codegen.helpers import (
    ROOT,
    assert_no_changes,
    load_generated,
    ruff_problems,
    sync_plan,
)
from tests.codegen.helpers import round_trip as file_round_trip
from tests.golden_files import check_golden

PROD = ROOT / "state" / "prod.json"
SHOP = ROOT / "tests" / "data" / "shop" / "state.json"
LEGACY = "ingress accept tcp 22 from 0.0.0.0/0 priority 110"


def without_legacy(state: State) -> State:
    """The state minus its priority-110 system rules (which no stack can declare)."""
    groups = tuple(
        g.model_copy(update={"rules": tuple(r for r in g.rules if r.priority <= 100)})
        for g in state.groups
    )
    return state.model_copy(update={"groups": groups})


def test_golden_module_from_the_prod_snapshot():
    text = render_stack_module(snapshot.read(PROD), stack_name="prod", source="state/prod.json")
    check_golden("codegen/prod.py", text)


def test_prod_module_reads_like_the_handwritten_stack():
    text = render_stack_module(snapshot.read(PROD), stack_name="prod", source="state/prod.json")
    assert "def build() -> Stack:" in text
    assert 'WEB = "prod-shop-web-sg"' in text and 'DB = "prod-mysql-db-sg"' in text
    assert "vpc_id=VPC_ID" in text and 'vpc_id="vpc-' not in text.split("def build")[1]
    assert 'id="sg-bp1c3x8jfk2a0web01"' in text
    assert "from_=group(BASTION)" in text
    assert "svc.SSH,\n                        svc.RDP,\n                        svc.ICMP," in text
    assert "svc.DNS" in text  # tcp 53 + udp 53 to the same resolver
    assert 'description="压测临时开放 - 张三 2024-11"' in text
    assert "from_=prefix_list(OFFICE_NETS)" in text
    assert 'member("eni-bp1web01", WEB, instance="i-bp1web01")' in text
    assert "inner_access_policy" not in text  # every group has its type's default
    # the managed group is left out, said in a comment, with the NICs only it holds
    assert "cloud_firewall_vpc_sg (sg-bp1hx0cfwmanaged9), managed by cloudfw" in text
    assert "security_group(\n                CLOUD" not in text and "eni-bp1cfw01" not in text


@pytest.mark.parametrize("path", [PROD, SHOP], ids=["state/prod.json", "shop"])
def test_round_trip_changes_only_what_no_stack_can_declare(tmp_path, path):
    state = load_current(path).state
    generated = generate_stack_module(state, stack_name="prod", source=str(path))
    plan = sync_plan(load_generated(generated.text, tmp_path), state)
    assert plan.drifted == 0 and not plan.blocked
    changes = [(g.name, r.text()) for g in plan.groups for r in g.remove]
    assert changes == [("prod-mysql-db-sg", LEGACY)]
    assert [g for g in plan.changed if g.add or g.update or g.attributes] == []
    assert any(LEGACY in note for note in generated.notes)
    assert f"#   {LEGACY}" in generated.text


@pytest.mark.parametrize("path", [PROD, SHOP], ids=["state/prod.json", "shop"])
def test_round_trip_is_exact_without_legacy_rules(tmp_path, path):
    state = without_legacy(load_current(path).state)
    _, plan = file_round_trip(state, tmp_path)
    assert_no_changes(plan)
    read_only = [g.name for g in plan.groups if g.action == "read-only"]
    assert read_only == ["cloud_firewall_vpc_sg"]


def test_including_managed_groups_declares_them_read_only(tmp_path):
    state = without_legacy(snapshot.read(PROD))
    text, plan = file_round_trip(state, tmp_path, include_managed=True)
    assert "# Service-managed by cloudfw: read-only, plans never change it." in text
    assert 'member("eni-bp1cfw01", FIREWALL_VPC)' in text
    assert_no_changes(plan)


@pytest.mark.parametrize("seed", [7, 11])
def test_round_trip_of_a_large_estate(tmp_path, seed):
    state = estate(60, seed)
    assert len(state.groups) > 50 and state.rule_count > 500
    text, plan = file_round_trip(state, tmp_path)
    assert_no_changes(plan)
    assert len([g for g in plan.groups if g.action == "no-op"]) == 60
    assert 'type="enterprise"' in text and 'network="classic"' in text
    assert 'nic_type="internet"' in text and "local_cidr=" in text
    assert "group(" in text and "prefix_list(LIST_" in text and "/sg-bp1other" in text


def test_generated_modules_are_ruff_clean(tmp_path):
    texts = {
        "prod_stack": render_stack_module(snapshot.read(PROD), stack_name="prod"),
        "managed": render_stack_module(
            snapshot.read(PROD), stack_name="prod", include_managed=True
        ),
    }
    for seed in range(8):
        texts[f"estate_{seed}"] = render_stack_module(estate(12, seed), stack_name="prod")
    for name, text in texts.items():
        (tmp_path / f"{name}.py").write_text(text, encoding="utf-8")
    assert ruff_problems(tmp_path) == []


def test_one_vpc_per_group_when_groups_do_not_share_one():
    text = render_stack_module(estate(8, 1), stack_name="prod")
    assert "VPC_ID" not in text
    assert text.count('vpc_id="vpc-bp1estate0a"') == 6  # and one classic group
    assert text.count('vpc_id="vpc-bp1estate0b"') == 1 and 'network="classic"' in text


def _one_group(**fields):
    group = {"id": "sg-bp1one", "name": "prod-one-sg", "vpc_id": "vpc-1", "rules": []}
    group.update(fields)
    return build_state({"region": "cn-hangzhou", "groups": [group]})


def test_rules_merge_only_when_they_expand_back_to_the_same_set(tmp_path):
    rules = [
        {"direction": "ingress", "protocol": "tcp", "ports": p, "peer": peer, "description": "d"}
        for p in (80, 443)
        for peer in ("10.0.0.0/8", "192.168.0.0/16")
    ] + [
        {"direction": "ingress", "protocol": "tcp", "ports": 8443, "peer": "10.0.0.0/8",
         "description": "d"},
        {"direction": "ingress", "protocol": "tcp", "ports": 80, "peer": "172.16.0.0/12"},
    ]  # fmt: skip
    state = _one_group(rules=rules)
    text, plan = file_round_trip(state, tmp_path)
    assert_no_changes(plan)
    assert "svc.HTTP,\n" in text and '"10.0.0.0/8", "192.168.0.0/16"' in text
    assert "tcp(8443)" in text and 'ingress(svc.HTTP, from_="172.16.0.0/12")' in text


def test_default_fields_are_left_out_and_others_written(tmp_path):
    rules = [
        {"direction": "egress", "protocol": "udp", "ports": "1000-2000", "peer": "10.0.0.1",
         "policy": "drop", "priority": 7, "source_ports": 53, "local_cidr": "192.168.1.0/24"},
    ]  # fmt: skip
    state = _one_group(rules=rules, inner_access_policy="drop", resource_group_id="rg-1",
                       tags={"b": "2", "a": "1"})  # fmt: skip
    text, plan = file_round_trip(state, tmp_path)
    assert_no_changes(plan)
    assert 'udp("1000-2000")' in text and 'to="10.0.0.1/32"' in text
    assert 'policy="drop"' in text and "priority=7" in text and "source_ports=53" in text
    assert 'local_cidr="192.168.1.0/24"' in text and 'inner_access_policy="drop"' in text
    assert 'resource_group_id="rg-1"' in text and 'tags={"a": "1", "b": "2"}' in text


def test_group_peers_that_a_stack_cannot_name_stay_ids(tmp_path):
    state = build_state({
        "region": "cn-hangzhou",
        "groups": [
            {"id": "sg-a", "name": "prod-a-sg", "vpc_id": "vpc-1", "rules": [
                {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "sg-ent"},
                {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "sg-gone"},
                {"direction": "ingress", "protocol": "tcp", "ports": 22, "peer": "123/sg-b"},
                {"direction": "ingress", "protocol": "tcp", "ports": 2222, "peer": "sg-b"},
            ]},
            {"id": "sg-b", "name": "prod-b-sg", "vpc_id": "vpc-1"},
            {"id": "sg-ent", "name": "prod-ent-sg", "vpc_id": "vpc-1", "type": "enterprise"},
        ],
    })  # fmt: skip
    text, plan = file_round_trip(state, tmp_path)
    assert_no_changes(plan)
    assert '"sg-ent"' in text and '"sg-gone"' in text and '"123/sg-b"' in text
    assert 'ingress(svc.SSH, from_=["123/sg-b", "sg-ent", "sg-gone"])' in text
    assert "ingress(tcp(2222), from_=group(B))" in text


def test_names_missing_or_unusable_are_notes_and_duplicates_an_error():
    state = _one_group(name="")
    generated = generate_stack_module(state, stack_name="prod")
    assert 'SG_BP1ONE = "sg-bp1one"' in generated.text
    assert "does not say its name" in generated.notes[0]
    spaced = generate_stack_module(_one_group(name="Sample Group"), stack_name="prod")
    assert "characters that are not allowed" in spaced.notes[0]
    twice = build_state({"region": "r", "groups": [
        {"id": "sg-1", "name": "same", "vpc_id": "vpc-1"},
        {"id": "sg-2", "name": "same", "vpc_id": "vpc-2"}]})  # fmt: skip
    with pytest.raises(InputError, match="both named 'same'; a stack needs unique group names"):
        render_stack_module(twice, stack_name="prod")


def test_region_vpc_and_quota_problems_are_input_errors():
    state = _one_group()
    with pytest.raises(InputError, match="does not say its region; give --region"):
        render_stack_module(state.model_copy(update={"region": None}), stack_name="prod")
    no_vpc = _one_group(vpc_id=None, network="vpc")
    with pytest.raises(InputError, match="console CSV files carry no VPC\\); give --vpc"):
        render_stack_module(no_vpc, stack_name="prod")
    assert 'VPC_ID = "vpc-9"' in render_stack_module(no_vpc, stack_name="prod", vpc_id="vpc-9")
    big = _one_group(
        rules=[{"direction": "ingress", "protocol": "tcp", "ports": p, "peer": "10.0.0.0/8"}
               for p in range(1, 202)]
    )  # fmt: skip
    with pytest.raises(InputError, match="holds 201 rules; a group holds at most 200"):
        render_stack_module(big, stack_name="prod")


def test_cross_region_follows_the_console_import_rules():
    state = snapshot.read(PROD)
    with pytest.raises(InputError, match="move from cn-hangzhou to cn-shanghai; give --vpc"):
        generate_stack_module(state, stack_name="prod", region="cn-shanghai")
    generated = generate_stack_module(
        state, stack_name="prod", region="cn-shanghai", vpc_id="vpc-uf6new"
    )
    text = generated.text
    assert generated.cross_region
    assert 'REGION = "cn-shanghai"' in text and 'VPC_ID = "vpc-uf6new"' in text
    assert 'id="' not in text and "=group(" not in text and "prefix_list(" not in text
    assert "members=" not in text
    dropped = [n for n in generated.notes if "which do not cross regions" in n]
    crossing = [
        r
        for g in state.groups
        if not g.managed
        for r in g.rules
        if (r.peer.is_group or r.peer.is_prefix_list) and r.priority <= 100
    ]
    assert len(dropped) == len(crossing) == 8
    assert "9 NIC membership(s) are not declared: NICs do not cross regions" in generated.notes
    assert any("priorities above 100" in n for n in generated.notes)
    assert "#   prod-office-nets (pl-bp1office7k2nq3v8)" in text
    from sgplan.codegen import stack_from_text

    stack = stack_from_text(text)
    assert stack.region == "cn-shanghai" and all(g.id is None for g in stack.groups)


def test_round_trip_reports_what_differs():
    state = snapshot.read(PROD)
    stack = load_current(PROD).state
    from sgplan.codegen import stack_from_text

    built = stack_from_text(render_stack_module(stack, stack_name="prod"))
    check = round_trip(built, state)
    assert not check.exact
    assert check.changes == [f"group prod-mysql-db-sg (sg-bp1c3x8jfk2a0sql03): remove {LEGACY}"]
