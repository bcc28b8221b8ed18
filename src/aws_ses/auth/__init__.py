"""Credentials and region: where they come from, how they are found and kept fresh.

Names are imported from their modules on first use: a client whose keys are
in the environment never loads the STS, SSO, process, container or IMDS code.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assume_role import AssumeRoleCredentialProvider as AssumeRoleCredentialProvider
    from .assume_role import MfaTokenProvider as MfaTokenProvider
    from .base import AsyncCredentialProvider as AsyncCredentialProvider
    from .base import CredentialProvider as CredentialProvider
    from .base import Declined as Declined
    from .base import Provider as Provider
    from .cache import CredentialCache as CredentialCache
    from .container import ContainerCredentialProvider as ContainerCredentialProvider
    from .credentials import Credentials as Credentials
    from .imds import ImdsCredentialProvider as ImdsCredentialProvider
    from .imds import InstanceMetadataClient as InstanceMetadataClient
    from .process import ProcessCredentialProvider as ProcessCredentialProvider
    from .profiles import SharedFiles as SharedFiles
    from .profiles import load_profiles as load_profiles
    from .profiles import load_shared_files as load_shared_files
    from .profiles import profile_name as profile_name
    from .providers import ConfigFileCredentialProvider as ConfigFileCredentialProvider
    from .providers import CredentialChain as CredentialChain
    from .providers import DeferredProvider as DeferredProvider
    from .providers import EnvironmentCredentialProvider as EnvironmentCredentialProvider
    from .providers import SharedCredentialsFileProvider as SharedCredentialsFileProvider
    from .providers import SharedFilesCredentialProvider as SharedFilesCredentialProvider
    from .providers import StaticCredentialProvider as StaticCredentialProvider
    from .providers import default_chain as default_chain
    from .providers import resolve_region as resolve_region
    from .sso import SsoCredentialProvider as SsoCredentialProvider
    from .sso import sso_cache_path as sso_cache_path
    from .sts import StsClient as StsClient
    from .web_identity import WebIdentityCredentialProvider as WebIdentityCredentialProvider

# Public name -> the module (in this package) that defines it.
_WHERE = {
    "AssumeRoleCredentialProvider": ".assume_role",
    "MfaTokenProvider": ".assume_role",
    "AsyncCredentialProvider": ".base",
    "CredentialProvider": ".base",
    "Declined": ".base",
    "Provider": ".base",
    "CredentialCache": ".cache",
    "ContainerCredentialProvider": ".container",
    "Credentials": ".credentials",
    "ImdsCredentialProvider": ".imds",
    "InstanceMetadataClient": ".imds",
    "ProcessCredentialProvider": ".process",
    "SharedFiles": ".profiles",
    "load_profiles": ".profiles",
    "load_shared_files": ".profiles",
    "profile_name": ".profiles",
    "ConfigFileCredentialProvider": ".providers",
    "CredentialChain": ".providers",
    "DeferredProvider": ".providers",
    "EnvironmentCredentialProvider": ".providers",
    "SharedCredentialsFileProvider": ".providers",
    "SharedFilesCredentialProvider": ".providers",
    "StaticCredentialProvider": ".providers",
    "default_chain": ".providers",
    "resolve_region": ".providers",
    "SsoCredentialProvider": ".sso",
    "sso_cache_path": ".sso",
    "StsClient": ".sts",
    "WebIdentityCredentialProvider": ".web_identity",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'aws_ses.auth' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
