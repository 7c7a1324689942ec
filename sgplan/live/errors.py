"""Errors of the live reader: which are worth retrying, and clear words for the rest.

Messages name the call, the group and the API's error code and say what to do; they never
carry credentials (the SDK's exceptions hold the signed request, so they are not printed).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.issues import InputError

RETRYABLE_CODES = frozenset(
    {"Throttling", "Throttling.User", "Throttling.Api", "Rejected.Throttling",
     "ServiceUnavailable", "InternalError", "UnknownError"}
)  # fmt: skip

ADVICE = {
    "InvalidSecurityGroupId.NotFound": "the group does not exist in this region (deleted, or a "
    "pinned id from another region); run `sgplan pull` again or fix the stack's id",
    "InvalidPrefixListId.NotFound": "the prefix list does not exist in this region",
    "Forbidden.RAM": "the credentials are not allowed to read it; grant ecs:Describe* "
    "(for example the AliyunECSReadOnlyAccess policy) to the RAM user or role",
    "Forbidden": "the credentials are not allowed to read it; grant ecs:Describe*",
    "InvalidOperation.ResourceManagedByCloudProduct": "the group is managed by a cloud "
    "service and is read-only",
    "InvalidAccessKeyId.NotFound": "the AccessKey ID is unknown; check the credentials chain "
    "(ALIBABA_CLOUD_ACCESS_KEY_ID, the profile, or the instance RAM role)",
    "InvalidAccessKeyId.Inactive": "the AccessKey is disabled; enable or rotate it",
    "SignatureDoesNotMatch": "the AccessKey secret does not match its ID",
    "InvalidRegionId.NotFound": "the region does not exist; check --region",
}


@dataclass(frozen=True)
class CallFailure:
    """What one API call ended with after its retries."""

    action: str
    target: str
    code: str
    status: int | None
    message: str
    attempts: int

    def __str__(self) -> str:
        if self.action == "credentials":
            return self.message
        where = f" for {self.target}" if self.target else ""
        status = f" (HTTP {self.status})" if self.status else ""
        advice = ADVICE.get(self.code)
        text = f"{self.action}{where} failed with {self.code}{status}"
        if self.attempts > 1:
            text += f" after {self.attempts} attempts"
        return f"{text}: {advice or self.message}"


class LiveReadError(InputError):
    """Reading live state failed; nothing was written."""

    def __init__(self, region: str, failures: list[CallFailure]) -> None:
        self.failures = failures
        lines = [f"reading live state in {region} failed ({len(failures)} calls); nothing written:"]
        lines += [f"  - {f}" for f in failures[:20]]
        if len(failures) > 20:
            lines.append(f"  - ... and {len(failures) - 20} more")
        super().__init__("\n".join(lines))
