#!/usr/bin/env bash
# Starts the Huey task consumer in the background and the web server in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"

$PY manage.py run_huey --quiet &
CONSUMER=$!
trap 'kill $CONSUMER 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  治本 zhiben 已启动 · running at  http://${HOST}:${PORT}/
  API 文档 · API docs:            http://${HOST}:${PORT}/api/v1/docs

  演示账号 · demo logins (用户名 / 密码):
    admin  / zhiben-admin-2024   委员会办公室管理员（全部范围，含系统管理）
    county / zhiben-demo-2024    县级监管人员（重庆市秀山县）
    county2/ zhiben-demo-2024    县级监管人员（第二位，审核与复核）
    town   / zhiben-demo-2024    乡镇监管人员（清溪场镇）
    chem   / zhiben-demo-2024    县危化股（仅危险化学品、烟花爆竹）
    office / zhiben-demo-2024    县安委办（成员单位、方案任务对账销号、督促问责）
    housing/ zhiben-demo-2024    县住建局（建筑施工、城镇燃气的牵头单位）
    tips   / zhiben-demo-2024    举报受理人员
    firm   / zhiben-demo-2024    企业安全员（秀山县清溪化工有限公司）

  按 Ctrl+C 停止 · Ctrl+C to stop
MSG

$PY -m waitress --listen="${HOST}:${PORT}" --threads=8 --ident=zhiben zhiben.wsgi:application
