"""``python manage.py adduser NAME --password P --role ROLE [--region CODE] [--sectors a,b] [--enterprise CODE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhiben.accounts.models import Role
from zhiben.accounts.services import user_create
from zhiben.common.errors import DomainError, FieldErrors


class Command(BaseCommand):
    help = "创建用户（DESIGN.md §6）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", help="辖区代码（监管人员必填）")
        parser.add_argument("--sectors", default="", help="负责的行业领域代码，逗号分隔")
        parser.add_argument("--enterprise", help="企业用户所属企业的统一社会信用代码")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--allow-weak-password", action="store_true", help="跳过密码强度检查（仅用于演示数据）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_create(
                actor=None,
                username=options["username"],
                password=options["password"],
                role=options["role"],
                region=options["region"],
                sectors=[s for s in options["sectors"].split(",") if s.strip()],
                enterprise=options["enterprise"],
                full_name=options["full_name"],
                check_password_strength=not options["allow_weak_password"],
            )
        except FieldErrors as exc:
            raise CommandError("；".join(f"{field}: {msg}" for field, msg in exc.errors.items())) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {user.username}（{user.get_role_display()}）"))
