"""Staging: a clone of prod in its own VPC, where every prod change is tried first.

Derived with ``clone_stack`` (SPEC section 5 semantics), never written twice: groups are
renamed ``staging-...``, references follow the rename, live IDs are dropped, tags say
``env: staging``. Prod and staging therefore never share a group.
"""

from __future__ import annotations

from sgplan import Stack, clone_stack, member
from stacks import catalog, prod

ENV = "staging"


def build() -> Stack:
    return clone_stack(
        prod.build(),
        ENV,
        vpc_id=catalog.VPCS[ENV],
        tags={"env": ENV},
        members=(
            member("eni-bp1stgweb01", "staging-shop-web-sg", instance="i-bp1stgweb01"),
            member("eni-bp1stgapp01", "staging-shop-app-sg", instance="i-bp1stgapp01"),
            member("eni-bp1stgdb01", "staging-mysql-db-sg", "staging-redis-cache-sg",
                   instance="i-bp1stgdb01"),
        ),
    )  # fmt: skip
