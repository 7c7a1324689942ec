"""sgplan: Alibaba Cloud ECS security groups as typed Python stacks.

Stack authors import everything they need from here::

    from sgplan import define_stack, security_group, ingress, egress, group, svc
"""

from .model import *  # noqa: F403
from .model import __all__ as _model_all

__version__ = "0.1.0"
__all__ = [*_model_all, "__version__"]
