"""Cloud accounts (contract §3.15): the accounts list query and the connect form."""

from django import forms

from console.forms.base import PlatformForm
from console.forms.lists import MarkerQuery

# AWS regions offered as suggestions while typing; the platform decides which it supports (a 422 at the field).
REGION_HINTS = (
    ("us-east-1", "US East (N. Virginia)"),
    ("us-east-2", "US East (Ohio)"),
    ("us-west-2", "US West (Oregon)"),
    ("ca-central-1", "Canada (Central)"),
    ("eu-west-1", "Europe (Ireland)"),
    ("eu-west-2", "Europe (London)"),
    ("eu-central-1", "Europe (Frankfurt)"),
    ("eu-north-1", "Europe (Stockholm)"),
    ("ap-southeast-1", "Asia Pacific (Singapore)"),
    ("ap-southeast-2", "Asia Pacific (Sydney)"),
    ("ap-northeast-1", "Asia Pacific (Tokyo)"),
)


class ConnectionQuery(MarkerQuery):
    """Cloud accounts, newest first: ?marker=…"""

    page_size = 50


class ConnectionForm(PlatformForm):
    """Connect an AWS account: step 1 of the wizard."""

    wire_fields = {"accountId": "account_id", "iamRoleName": "iam_role_name"}
    conflict_field = "name"
    conflict_message = "Another cloud account already has this name."

    name = forms.CharField(max_length=255, label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    account_id = forms.RegexField(
        regex=r"^\s*[0-9]{12}\s*$",
        label="AWS account ID",
        help_text="The 12 digits shown under your account name in the AWS console.",
        error_messages={"invalid": "An AWS account ID is 12 digits."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    region = forms.CharField(
        max_length=32,
        label="Region",
        help_text="Where LakeSail deploys the CloudFormation stack, e.g. us-east-1.",
        widget=forms.TextInput(attrs={"list": "region-hints", "autocomplete": "off", "spellcheck": "false"}),
    )
    iam_role_name = forms.RegexField(
        regex=r"^[\w+=,.@-]{1,64}$",
        required=False,
        label="IAM role name",
        help_text="Leave empty for LakeSail-<connection id>.",
        error_messages={"invalid": "Use up to 64 letters, digits and + = , . @ _ -."},
    )

    def clean_account_id(self) -> str:
        return self.cleaned_data["account_id"].strip()


class RenameForm(PlatformForm):
    conflict_field = "name"
    name = forms.CharField(max_length=255, label="Name")
