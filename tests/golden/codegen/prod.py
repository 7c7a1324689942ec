"""Stack prod: generated from state/prod.json by `sgplan import`.

An ordinary stack module: edit it like any other, it is now the source of truth
for these groups. Groups and prefix lists are pinned to their live IDs (id=) so
a plan matches them exactly; a sync plan against the same source shows no
changes except where a comment says what a stack cannot declare.
"""

from __future__ import annotations

from sgplan import (
    INTERNET_V4,
    INTERNET_V6,
    Stack,
    define_stack,
    egress,
    group,
    ingress,
    member,
    prefix_list,
    prefix_list_of,
    security_group,
    svc,
)

REGION = "cn-hangzhou"
VPC_ID = "vpc-bp1prodshop7x2k9q0m"

FTP_TEMP = "ftp-temp-sg"
DB = "prod-mysql-db-sg"
BASTION = "prod-ops-bastion-sg"
APP = "prod-shop-app-sg"
WEB = "prod-shop-web-sg"
OFFICE_NETS = "prod-office-nets"

# Not declared: service-managed groups are read-only
# (sgplan import --include-managed declares them):
#   cloud_firewall_vpc_sg (sg-bp1hx0cfwmanaged9), managed by cloudfw


def build() -> Stack:
    return define_stack(
        "prod",
        REGION,
        vpc_id=VPC_ID,
        prefix_lists=[
            prefix_list_of(
                OFFICE_NETS,
                [{"cidr": "203.0.113.0/27", "description": "HQ"}],
                max_entries=10,
                description="office egress addresses",
                id="pl-bp1office7k2nq3v8",
            ),
        ],
        groups=[
            security_group(
                FTP_TEMP,
                "old partner FTP drop box",
                id="sg-bp1f7legacyftp001",
                rules=[
                    ingress(svc.FTP, from_=INTERNET_V4, description="partner upload"),
                ],
            ),
            # Not declared: priorities above 100 cannot be written (legacy
            # system rules), so a sync plan removes:
            #   ingress accept tcp 22 from 0.0.0.0/0 priority 110
            security_group(
                DB,
                "shop MySQL primary and replicas",
                id="sg-bp1c3x8jfk2a0sql03",
                tags={"env": "prod"},
                rules=[
                    ingress(
                        svc.SSH,
                        from_=group(BASTION),
                        description="ops via bastion",
                    ),
                    ingress(
                        svc.MYSQL,
                        from_=INTERNET_V4,
                        description="debug from home, remove later",
                    ),
                    ingress(svc.MYSQL, from_=group(APP), description="app to mysql"),
                ],
            ),
            security_group(
                BASTION,
                "ops bastion hosts",
                id="sg-bp1c3x8jfk2a0bst05",
                tags={"env": "prod"},
                rules=[
                    ingress(
                        svc.SSH,
                        from_="100.104.0.0/16",
                        description="Alibaba Workbench",
                    ),
                    ingress(
                        svc.SSH,
                        from_=["47.96.60.0/24", "118.31.243.0/24"],
                        description="Workbench (2022 range)",
                    ),
                    ingress(svc.SSH, from_="161.117.0.0/16", description="Workbench"),
                    ingress(
                        svc.SSH,
                        svc.RDP,
                        from_=prefix_list(OFFICE_NETS),
                        description="office to bastion",
                    ),
                    ingress(
                        svc.RDP,
                        from_=["100.104.0.0/16", "161.117.0.0/16"],
                        description="Alibaba Workbench",
                    ),
                ],
            ),
            security_group(
                APP,
                "shop application tier",
                id="sg-bp1c3x8jfk2a0app02",
                tags={"env": "prod"},
                rules=[
                    ingress(
                        svc.SSH,
                        from_=group(BASTION),
                        description="ops via bastion",
                    ),
                    ingress(
                        svc.HTTP_ALT,
                        from_="10.20.0.0/16",
                        description="压测临时开放 - 张三 2024-11",
                    ),
                    ingress(svc.HTTP_ALT, from_=group(WEB), description="web to app"),
                    egress(svc.DNS, to="100.100.2.136/32", description="VPC DNS"),
                    egress(svc.HTTPS, to="47.96.0.0/16", description="payment API"),
                    egress(svc.MYSQL, to=group(DB), description="app to mysql"),
                    egress(
                        svc.ALL,
                        to=INTERNET_V4,
                        policy="drop",
                        priority=100,
                        description="deny the rest",
                    ),
                ],
            ),
            security_group(
                WEB,
                "shop web",
                id="sg-bp1c3x8jfk2a0web01",
                tags={"env": "prod", "owner": "web-team"},
                rules=[
                    ingress(
                        svc.SSH,
                        from_=group(BASTION),
                        description="ops via bastion",
                    ),
                    ingress(svc.HTTP, from_=INTERNET_V4, description="http"),
                    ingress(
                        svc.HTTPS,
                        from_=[INTERNET_V4, INTERNET_V6],
                        description="public web",
                    ),
                    ingress(
                        svc.SSH,
                        svc.RDP,
                        svc.ICMP,
                        from_=INTERNET_V4,
                        priority=100,
                        description="System created rule.",
                    ),
                ],
            ),
        ],
        members=[
            member("eni-bp1app01", APP, instance="i-bp1app01"),
            member("eni-bp1bastion01", BASTION, instance="i-bp1bastion01"),
            member("eni-bp1db01", DB, instance="i-bp1db01"),
            member("eni-bp1db02", DB, instance="i-bp1db02"),
            member("eni-bp1ftp01", FTP_TEMP, instance="i-bp1ftp01"),
            member("eni-bp1web01", WEB, instance="i-bp1web01"),
            member("eni-bp1web02", WEB, instance="i-bp1web02"),
        ],
    )
