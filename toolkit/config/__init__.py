"""config.toml, read once with tomllib into frozen dataclasses (`sections`) and checked on load (`load`).

Secrets never live in the file: they come from the environment or the keyring (`secrets`).
"""

from toolkit.config.load import CONFIG_ENV, load_config, locate_config
from toolkit.config.secrets import SECRETS, secret
from toolkit.config.sections import DEFAULT_CONFIG, Config

__all__ = ["CONFIG_ENV", "DEFAULT_CONFIG", "SECRETS", "Config", "load_config", "locate_config", "secret"]
