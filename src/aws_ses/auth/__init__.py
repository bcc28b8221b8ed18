"""Credentials and region: where they come from and how they are found."""

from __future__ import annotations

from .credentials import Credentials
from .profiles import SharedFiles, load_profiles, load_shared_files, profile_name
from .providers import (
    CredentialChain,
    CredentialProvider,
    EnvironmentCredentialProvider,
    SharedFilesCredentialProvider,
    StaticCredentialProvider,
    default_chain,
    resolve_region,
)

__all__ = [
    "CredentialChain",
    "CredentialProvider",
    "Credentials",
    "EnvironmentCredentialProvider",
    "SharedFiles",
    "SharedFilesCredentialProvider",
    "StaticCredentialProvider",
    "default_chain",
    "load_profiles",
    "load_shared_files",
    "profile_name",
    "resolve_region",
]
