"""The Pulumi program: stack name -> typed stack -> lint gate -> plan -> resources.

Wiring only; each step is in modules/program.py and docs/pulumi.md explains them.
"""

import pulumi

from modules import program
from modules.component import SecurityGroupStack, SecurityGroupStackArgs

with program.clean_failure():
    stack = program.select_stack()  # Pulumi stack name (or sgplan:stackFile) -> valid Stack
    program.lint_gate(stack)  # seam: unwaived critical findings stop the run here
    adopt = program.adoption(stack)  # seam: plan against state/ -> live resources to import
    groups = SecurityGroupStack(
        stack.name,
        SecurityGroupStackArgs(stack, adopt=adopt, protect_groups=program.protect_groups()),
    )

pulumi.export("groupIds", groups.group_ids)
pulumi.export("prefixListIds", groups.prefix_list_ids)
pulumi.export("ruleCounts", groups.rule_counts)
