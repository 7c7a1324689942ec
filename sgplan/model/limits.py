"""Provider limits as named constants, each with the document it comes from.

Sources are the seeds in ``../shared/seeds`` as summarised by ``../shared/SPEC.md``; where
sources disagree the newer one wins and the older figure is noted.
"""

from __future__ import annotations

# SPEC 2 / seed 001 FAQ: ingress and egress together, not adjustable.
RULES_PER_GROUP = 200
# SPEC 2 / seed 000 limits table: rules whose peer is a security group, normal groups.
GROUP_PEER_RULES_PER_NORMAL_GROUP = 20
# SPEC 2 / seed 000: enterprise groups may hold no group-peer rule and cannot be a peer.
GROUP_PEER_RULES_PER_ENTERPRISE_GROUP = 0
# SPEC 2: seed 000 (2025) says 10 groups per ENI; the 2022 guide (seed 001) said 5.
GROUPS_PER_NIC = 10
GROUPS_PER_NIC_LEGACY = 5
# SPEC 2 / seed 000: all rules of all groups on one ENI, ingress and egress.
RULES_PER_NIC = 1000

# SPEC 2: priority 1-100, smaller is stronger; legacy console defaults carry 110.
PRIORITY_MIN = 1
PRIORITY_MAX = 100
LEGACY_SYSTEM_PRIORITY = 110
# SPEC 1: console default rules before 2020-05-27 carried 110, after it 100.
CONSOLE_DEFAULT_PRIORITY = 100

# SPEC 2: tcp/udp ports.
PORT_MIN = 1
PORT_MAX = 65535

# SPEC 1: group name and description.
GROUP_NAME_MIN = 2
GROUP_NAME_MAX = 128
GROUP_DESCRIPTION_MIN = 2
GROUP_DESCRIPTION_MAX = 256
# SPEC 2: rule description.
RULE_DESCRIPTION_MIN = 1
RULE_DESCRIPTION_MAX = 512
# pulumi-alicloud EcsPrefixList docs: name 2-128, description 2-256.
PREFIX_LIST_NAME_MIN = 2
PREFIX_LIST_NAME_MAX = 128
# SPEC 2: prefix list max_entries 1-200, fixed at creation.
PREFIX_LIST_MAX_ENTRIES_MIN = 1
PREFIX_LIST_MAX_ENTRIES_MAX = 200

# SPEC 2: the console adds at most 10 peers at once (one rule each).
CONSOLE_PEERS_PER_ADD = 10
# SPEC 5: console import takes at most 200 rules, priorities 1-100 only.
CONSOLE_IMPORT_MAX_RULES = 200

# SPEC 6: API paging and batch sizes.
DESCRIBE_GROUPS_MAX_RESULTS = 100
DESCRIBE_GROUPS_MAX_IDS = 100
DESCRIBE_ATTRIBUTE_MIN_RESULTS = 10
DESCRIBE_ATTRIBUTE_MAX_RESULTS = 1000
PERMISSIONS_PER_CALL = 100

# SPEC 4: Alibaba Workbench source ranges.
WORKBENCH_PUBLIC_CIDR = "161.117.0.0/16"
WORKBENCH_PRIVATE_CIDR = "100.104.0.0/16"
WORKBENCH_LEGACY_CIDRS = ("47.96.60.0/24", "118.31.243.0/24")
# Seed 002 FAQ: Alibaba health checks and monitoring come from this reserved block.
ALIBABA_SERVICE_CIDR = "100.64.0.0/10"
