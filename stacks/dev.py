"""Development: a smaller estate of its own (web, app, PostgreSQL, bastion).

Developers reach the bastion from the office and through Workbench; the app tier may
connect anywhere (no egress allow-list in dev), and the database is PostgreSQL.
"""

from __future__ import annotations

from modules.roles import bastion, datastore, internal_service, web_tier
from sgplan import Stack, define_stack, group, member
from stacks import catalog

ENV = "dev"
WEB = "dev-shop-web-sg"
APP = "dev-shop-app-sg"
DB = "dev-postgresql-db-sg"
BASTION = "dev-ops-bastion-sg"
TAGS = {"env": ENV}


def build() -> Stack:
    via_bastion = group(BASTION)
    return define_stack(
        ENV,
        catalog.REGION,
        vpc_id=catalog.VPCS[ENV],
        prefix_lists=[catalog.office_prefix_list(ENV)],
        groups=[
            web_tier(WEB, "shop web tier (dev)", ipv6=False, admin_from=via_bastion, tags=TAGS),
            internal_service(APP, "shop application tier (dev)", services=[catalog.APP_HTTP],
                             clients=[WEB], admin_from=via_bastion, tags=TAGS),
            datastore(DB, "postgresql", clients=[APP, BASTION], tags=TAGS),
            bastion(BASTION, sources=[catalog.offices(ENV)], workbench=True, tags=TAGS),
        ],
        members=[
            member("eni-bp1devweb01", WEB, APP, instance="i-bp1devweb01"),
            member("eni-bp1devdb01", DB, instance="i-bp1devdb01"),
            member("eni-bp1devbastion01", BASTION, instance="i-bp1devbastion01"),
        ],
    )  # fmt: skip
