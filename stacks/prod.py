"""Production: a three-tier shop (web, app, MySQL, Redis) behind a bastion.

First cut written directly with the DSL; the modules/ building blocks replace the
hand-written groups as they land, keeping the same groups and rules.
"""

from __future__ import annotations

from sgplan import (
    INTERNET_V4,
    INTERNET_V6,
    define_stack,
    egress,
    group,
    ingress,
    member,
    prefix_list,
    prefix_list_of,
    security_group,
    svc,
    tcp,
)
from sgplan.model.limits import WORKBENCH_PRIVATE_CIDR, WORKBENCH_PUBLIC_CIDR

REGION = "cn-hangzhou"
VPC = "vpc-bp1prodshop7x2k9q0m"
OFFICE = prefix_list("prod-office-nets")


def build():
    return define_stack(
        "prod",
        REGION,
        vpc_id=VPC,
        prefix_lists=[
            prefix_list_of(
                "prod-office-nets",
                ["203.0.113.0/27", "198.51.100.16/29"],
                max_entries=10,
                description="office egress addresses",
            )
        ],
        groups=[
            security_group("prod-shop-web-sg", "shop public web tier", tags={"env": "prod"}, rules=[
                ingress(svc.HTTP, svc.HTTPS, from_=[INTERNET_V4, INTERNET_V6], description="public web"),
                ingress(svc.SSH, from_=group("prod-ops-bastion-sg"), description="ops via bastion"),
            ]),
            security_group("prod-shop-app-sg", "shop application tier", tags={"env": "prod"}, rules=[
                ingress(tcp(8080), from_=group("prod-shop-web-sg"), description="web to app"),
                ingress(svc.SSH, from_=group("prod-ops-bastion-sg"), description="ops via bastion"),
                egress(svc.MYSQL, to=group("prod-mysql-db-sg"), description="app to mysql"),
                egress(svc.REDIS, to=group("prod-redis-cache-sg"), description="app to redis"),
                egress(svc.DNS, to="100.100.2.136/32", description="VPC DNS"),
                egress(svc.HTTPS, to="47.96.0.0/16", description="payment API"),
                egress("all", to=INTERNET_V4, policy="drop", priority=100, description="deny the rest"),
            ]),
            security_group("prod-mysql-db-sg", "shop MySQL primary and replicas", tags={"env": "prod"}, rules=[
                ingress(svc.MYSQL, from_=group("prod-shop-app-sg"), description="app to mysql"),
                ingress(svc.SSH, from_=group("prod-ops-bastion-sg"), description="ops via bastion"),
            ]),
            security_group("prod-redis-cache-sg", "shop Redis cache", tags={"env": "prod"}, rules=[
                ingress(svc.REDIS, from_=group("prod-shop-app-sg"), description="app to redis"),
            ]),
            security_group("prod-ops-bastion-sg", "ops bastion hosts", tags={"env": "prod"}, rules=[
                ingress(svc.SSH, svc.RDP, from_=OFFICE, description="office to bastion"),
                ingress(svc.SSH, svc.RDP, from_=[WORKBENCH_PUBLIC_CIDR, WORKBENCH_PRIVATE_CIDR],
                        description="Alibaba Workbench"),
            ]),
        ],
        members=[
            member("eni-bp1web01", "prod-shop-web-sg", instance="i-bp1web01"),
            member("eni-bp1web02", "prod-shop-web-sg", instance="i-bp1web02"),
            member("eni-bp1app01", "prod-shop-app-sg", instance="i-bp1app01"),
            member("eni-bp1db01", "prod-mysql-db-sg", instance="i-bp1db01"),
            member("eni-bp1cache01", "prod-redis-cache-sg", instance="i-bp1cache01"),
            member("eni-bp1bastion01", "prod-ops-bastion-sg", instance="i-bp1bastion01"),
        ],
    )  # fmt: skip
