"""Production settings: safe defaults, fail fast, and what docker-compose passes works."""

import os
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64 + "-production-like-secret-key-with-enough-entropy",
    "ALLOWED_HOSTS": "support.shop.example",
    "DEBUG": "false",
    "DATABASE_URL": "postgres://kefu:pw@127.0.0.1:5432/kefu",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                          "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="helpdesk.settings")
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=clean,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_passes_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_docker_compose_runs_every_process_of_the_production_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert "gunicorn" in services["web"]["command"]
    consumed = set()
    for name in ("worker", "worker-sla"):
        command = services[name]["command"]
        consumed |= set(command[command.index("-Q") + 1].split(","))
    assert consumed == set(settings.KEFU_QUEUES), "every queue needs a worker"
    assert services["beat"]["command"][:4] == ["celery", "-A", "helpdesk", "beat"]


def test_the_environment_docker_compose_passes_configures_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = dict(compose["services"]["web"]["environment"])
    resolved = {}
    for key, value in env.items():
        value = str(value)
        value = value.replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}", "pw")
        if value.startswith("${") and ":?" in value:
            value = {"SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"], "ALLOWED_HOSTS": "support.example",
                     }.get(key, "value.example")
        elif value.startswith("${") and ":-" in value:
            value = value.split(":-", 1)[1].rstrip("}")
        resolved[key] = value
    code = ("from django.conf import settings as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
            "s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, s.DEBUG)")
    result = manage("shell", "-c", code, env=resolved)
    assert result.returncode == 0, result.stderr
    engine, broker, cache, sessions, debug = result.stdout.split()[-5:]
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://redis:6379/1"
    assert cache.endswith("RedisCache")
    assert sessions == "django.contrib.sessions.backends.cached_db"
    assert debug == "False"


def test_embedded_mode_uses_sqlite_and_the_filesystem_broker():
    result = manage("shell", "-c",
                    "from django.conf import settings as s; "
                    "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL)",
                    env={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["django.db.backends.sqlite3", "filesystem://"]


def test_gunicorn_reads_its_settings_file_and_each_worker_freezes_djangos_objects():
    gunicorn = Path(sys.executable).with_name("gunicorn")
    printed = subprocess.run([str(gunicorn), "--print-config", "helpdesk.wsgi:application"],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert any(line.split() == ["config", "=", "./gunicorn.conf.py"]
               for line in printed.stdout.splitlines()), printed.stdout + printed.stderr
    hook = ("import gc, runpy; runpy.run_path('gunicorn.conf.py')['post_worker_init'](None); "
            "print(gc.get_freeze_count())")
    frozen = subprocess.run([sys.executable, "-c", hook], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert frozen.returncode == 0, frozen.stderr
    assert int(frozen.stdout) > 0
