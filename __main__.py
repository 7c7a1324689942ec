"""The Pulumi program: stack name -> typed stack -> preflight -> resources.

Wiring only; each step is in modules/program.py and docs/pulumi.md explains them.
"""

import pulumi

from modules import program
from modules.component import SecurityGroupStack, SecurityGroupStackArgs

with program.clean_failure():
    stack = program.select_stack()  # Pulumi stack name (or sgplan:stackFile) -> valid Stack
    chosen = program.settings()  # sgplan:mode and the blast-radius gates' consent
    checked = program.preflight(stack, chosen)  # lint gate + plan: every problem, or stop
    groups = SecurityGroupStack(
        stack.name,
        SecurityGroupStackArgs(
            stack,
            adopt=checked.adopt,
            protect_groups=program.protect_groups(),
            mode=chosen.mode,
            live_tags=checked.live_tags,
        ),
    )

pulumi.export("groupIds", groups.group_ids)
pulumi.export("prefixListIds", groups.prefix_list_ids)
pulumi.export("ruleCounts", groups.rule_counts)
