"""The simulated AWS's fixed data (contract §7): regions, EC2 instance types, the connection's CloudFormation template.

Instance types are real EC2 types with their real vCPU and memory; `maxPods` is the EKS VPC CNI's limit for the
type and `allocatableMilliCpu` what the kubelet leaves after the EKS AMI's CPU reservation.
"""

import math

TEMPLATE_VERSION = "2026-11-01"
TEMPLATE_URL = f"https://lakesail-public.s3.amazonaws.com/cloudformation/connection/{TEMPLATE_VERSION}.json"
LAKESAIL_ACCOUNT_ID = "381492201766"  # the LakeSail-side account the role trusts
LAKESAIL_VPC_ID = "vpc-0c3f9a51e7d2b8460"
LAKESAIL_PRINCIPAL = f"arn:aws:iam::{LAKESAIL_ACCOUNT_ID}:role/lakesail-control-plane"
PERMISSION_BOUNDARY = "LakeSailPermissionBoundary"

# code -> (name, available): the regions the console offers; opt-in regions that are not enabled are unavailable.
REGIONS: dict[str, tuple[str, bool]] = {
    "us-east-1": ("US East (N. Virginia)", True),
    "us-east-2": ("US East (Ohio)", True),
    "us-west-2": ("US West (Oregon)", True),
    "ca-central-1": ("Canada (Central)", True),
    "eu-west-1": ("Europe (Ireland)", True),
    "eu-west-2": ("Europe (London)", True),
    "eu-central-1": ("Europe (Frankfurt)", True),
    "eu-north-1": ("Europe (Stockholm)", True),
    "ap-southeast-1": ("Asia Pacific (Singapore)", True),
    "ap-southeast-2": ("Asia Pacific (Sydney)", True),
    "ap-northeast-1": ("Asia Pacific (Tokyo)", True),
    "af-south-1": ("Africa (Cape Town)", False),
    "me-south-1": ("Middle East (Bahrain)", False),
}

AVAILABILITY_ZONES = ("a", "b", "c")

# (family, architecture, group, GiB of memory per vCPU, GPUs per size)
_FAMILIES = (
    ("m7g", "arm64", "general", 4),
    ("m7i", "x86_64", "general", 4),
    ("c8g", "arm64", "compute", 2),
    ("c7i", "x86_64", "compute", 2),
    ("r7g", "arm64", "memory", 8),
    ("r7i", "x86_64", "memory", 8),
)
_SIZES = (("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32))
_MAX_PODS = {"large": 29, "xlarge": 58, "2xlarge": 58, "4xlarge": 234, "8xlarge": 234, "12xlarge": 234}
# g5: (size, vCPUs, memory GiB, GPUs, max pods)
_G5 = (("xlarge", 4, 16, 1, 58), ("2xlarge", 8, 32, 1, 58), ("4xlarge", 16, 64, 1, 234), ("12xlarge", 48, 192, 4, 737))


def allocatable_milli_cpu(vcpus: int) -> int:
    """The EKS AMI reserves 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 % of the rest."""
    reserved = 60 + (10 if vcpus >= 2 else 0) + 5 * min(max(vcpus - 2, 0), 2) + 2.5 * max(vcpus - 4, 0)
    return vcpus * 1000 - math.ceil(reserved)


def _instance(name: str, family: str, vcpus: int, memory_gib: int, arch: str, group: str, gpus: int, pods: int):
    return {
        "provider": "AWS",
        "instanceType": name,
        "vCpus": vcpus,
        "memoryMiB": memory_gib * 1024,
        "architecture": arch,
        "gpuCount": gpus,
        "instanceFamily": family,
        "maxPods": pods,
        "group": group,
        "allocatableMilliCpu": allocatable_milli_cpu(vcpus),
    }


INSTANCE_TYPES: list[dict] = [
    _instance(f"{family}.{size}", family, vcpus, vcpus * ratio, arch, group, 0, _MAX_PODS[size])
    for family, arch, group, ratio in _FAMILIES
    for size, vcpus in _SIZES
] + [_instance(f"g5.{size}", "g5", vcpus, gib, "x86_64", "gpu", gpus, pods) for size, vcpus, gib, gpus, pods in _G5]
INSTANCE_TYPE_NAMES = frozenset(t["instanceType"] for t in INSTANCE_TYPES)

DISCOVERY_METADATA = {
    "provider": "AWS",
    "systemPodsPerNode": 3,
    "systemPodsPerSystemNode": 6,
    "systemPodsFixed": 4,
    "systemPodsPerNodeMargin": 1,
    "systemPodsFixedMargin": 2,
    "systemMilliCPUPerNode": 180,
    "systemMilliCPUFixed": 400,
    "karpenterMilliCPUPerReplica": 1000,
    "karpenterReplicas": 2,
}


def region_available(region: str) -> bool:
    return REGIONS.get(region, ("", False))[1]


def template_document(parameters: dict[str, str | None]) -> dict:
    """The connection's CloudFormation template, each parameter's Default filled from `parameters`."""

    def parameter(name: str, description: str) -> dict:
        return {"Type": "String", "Description": description, "Default": parameters.get(name) or ""}

    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"LakeSail connection: the IAM role LakeSail assumes in this account ({TEMPLATE_VERSION}).",
        "Parameters": {
            "IamRoleName": parameter("IamRoleName", "Name of the role LakeSail assumes."),
            "IamPermissionBoundaryName": parameter(
                "IamPermissionBoundaryName", "Permission boundary of every role LakeSail creates."
            ),
            "LakeSailAccountID": parameter("LakeSailAccountID", "The LakeSail AWS account."),
            "LakeSailVPCID": parameter("LakeSailVPCID", "The LakeSail control-plane VPC."),
            "LakeSailTenantID": parameter("LakeSailTenantID", "Your LakeSail organization."),
            "LakeSailConnectionID": parameter("LakeSailConnectionID", "This connection."),
            "LakeSailExternalID": parameter("LakeSailExternalID", "The sts:ExternalId the role requires."),
            "LakeSailPrincipal": parameter("LakeSailPrincipal", "The LakeSail principal allowed to assume the role."),
        },
        "Resources": {
            "PermissionBoundary": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "ManagedPolicyName": {"Ref": "IamPermissionBoundaryName"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["ec2:*", "eks:*", "elasticloadbalancing:*", "autoscaling:*", "s3:*"],
                                "Resource": "*",
                            },
                            {"Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"},
                        ],
                    },
                },
            },
            "LakeSailRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "IamRoleName"},
                    "PermissionsBoundary": {"Ref": "PermissionBoundary"},
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": {"Ref": "LakeSailPrincipal"}},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "LakeSailExternalID"}}},
                            }
                        ],
                    },
                    "ManagedPolicyArns": [{"Ref": "PermissionBoundary"}],
                    "Tags": [{"Key": "lakesail:connection", "Value": {"Ref": "LakeSailConnectionID"}}],
                },
            },
        },
        "Outputs": {
            "RoleArn": {"Value": {"Fn::GetAtt": ["LakeSailRole", "Arn"]}},
            "PermissionBoundaryArn": {"Value": {"Ref": "PermissionBoundary"}},
        },
    }
