"""Credentials and region: where they come from, how they are found and kept fresh."""

from __future__ import annotations

from .assume_role import AssumeRoleCredentialProvider, MfaTokenProvider
from .base import AsyncCredentialProvider, CredentialProvider, Declined, Provider
from .cache import CredentialCache
from .container import ContainerCredentialProvider
from .credentials import Credentials
from .imds import ImdsCredentialProvider, InstanceMetadataClient
from .process import ProcessCredentialProvider
from .profiles import SharedFiles, load_profiles, load_shared_files, profile_name
from .providers import (
    ConfigFileCredentialProvider,
    CredentialChain,
    EnvironmentCredentialProvider,
    SharedCredentialsFileProvider,
    SharedFilesCredentialProvider,
    StaticCredentialProvider,
    default_chain,
    resolve_region,
)
from .sso import SsoCredentialProvider, sso_cache_path
from .sts import StsClient
from .web_identity import WebIdentityCredentialProvider

__all__ = [
    "AssumeRoleCredentialProvider",
    "AsyncCredentialProvider",
    "ConfigFileCredentialProvider",
    "ContainerCredentialProvider",
    "CredentialCache",
    "CredentialChain",
    "CredentialProvider",
    "Credentials",
    "Declined",
    "EnvironmentCredentialProvider",
    "ImdsCredentialProvider",
    "InstanceMetadataClient",
    "MfaTokenProvider",
    "ProcessCredentialProvider",
    "Provider",
    "SharedCredentialsFileProvider",
    "SharedFiles",
    "SharedFilesCredentialProvider",
    "SsoCredentialProvider",
    "StaticCredentialProvider",
    "StsClient",
    "WebIdentityCredentialProvider",
    "default_chain",
    "load_profiles",
    "load_shared_files",
    "profile_name",
    "resolve_region",
    "sso_cache_path",
]
