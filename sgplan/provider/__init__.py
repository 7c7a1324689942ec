"""The sgplan Pulumi provider: ``sgplan:ecs:RuleSet``, one security group's complete rule set,
diffed by the one planner and applied by the one apply engine (plugin folder: ``provider/``).

:mod:`.inputs` is pure (the program imports it); :mod:`.provider` and :mod:`.server` need the
Pulumi SDK.
"""
