"""Production: a three-tier shop (web, app, MySQL, Redis) behind a bastion.

Built from the roles of ``modules/roles.py``. Staging is a clone of this stack
(``stacks/staging.py``): change prod here, apply to staging first, then to prod.
"""

from __future__ import annotations

from modules.roles import allowlist_egress, bastion, datastore, internal_service, web_tier
from sgplan import Stack, allows, define_stack, denies, egress, group, member, svc
from stacks import catalog

ENV = "prod"
WEB = "prod-shop-web-sg"
APP = "prod-shop-app-sg"
DB = "prod-mysql-db-sg"
CACHE = "prod-redis-cache-sg"
BASTION = "prod-ops-bastion-sg"
TAGS = {"env": ENV}


def build() -> Stack:
    via_bastion = group(BASTION)
    return define_stack(
        ENV,
        catalog.REGION,
        vpc_id=catalog.VPCS[ENV],
        prefix_lists=[catalog.office_prefix_list(ENV)],
        groups=[
            web_tier(WEB, "shop public web tier", admin_from=via_bastion, tags=TAGS),
            internal_service(
                APP, "shop application tier", services=[catalog.APP_HTTP], clients=[WEB],
                rule_description="web to app", admin_from=via_bastion, tags=TAGS,
                rules=allowlist_egress(
                    egress(svc.MYSQL, to=group(DB), description="app to mysql"),
                    egress(svc.REDIS, to=group(CACHE), description="app to redis"),
                    egress(svc.DNS, to=list(catalog.VPC_DNS), description="VPC DNS"),
                    egress(svc.HTTPS, to=catalog.PAYMENT_API, description="payment API"),
                ),
            ),
            datastore(DB, "mysql", clients=[APP], description="shop MySQL primary and replicas",
                      rule_description="app to mysql", admin_from=via_bastion, tags=TAGS),
            datastore(CACHE, "redis", clients=[APP], description="shop Redis cache",
                      rule_description="app to redis", tags=TAGS),
            bastion(BASTION, "ops bastion hosts", sources=[catalog.offices(ENV)], workbench=True,
                    rule_description="office to bastion", tags=TAGS),
        ],
        members=[
            member("eni-bp1web01", WEB, instance="i-bp1web01"),
            member("eni-bp1web02", WEB, instance="i-bp1web02"),
            member("eni-bp1app01", APP, instance="i-bp1app01"),
            member("eni-bp1db01", DB, instance="i-bp1db01"),
            member("eni-bp1cache01", CACHE, instance="i-bp1cache01"),
            member("eni-bp1bastion01", BASTION, instance="i-bp1bastion01"),
        ],
        intents=[
            allows("tcp", 443, source="internet", target=WEB, name="shop is public"),
            allows("tcp", 80, source="internet", target=WEB, name="http is public"),
            denies("tcp", 22, source="internet", target=WEB, name="no public SSH on web"),
            denies("tcp", 3306, source="internet", target="*", name="MySQL never public"),
            denies("tcp", 6379, source="internet", target="*", name="Redis never public"),
            allows("tcp", 3306, source=f"group:{APP}", target=DB, name="app reaches MySQL"),
            denies("tcp", 3306, source=f"group:{WEB}", target=DB, name="web skips the app tier"),
        ],
    )  # fmt: skip
