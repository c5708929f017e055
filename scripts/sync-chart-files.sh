#!/usr/bin/env bash
# Refreshes the chart's copies of the alerting rules and dashboards.
# helm can only read files inside the chart, so the PrometheusRule and the
# dashboard ConfigMaps embed copies of deploy/prometheus/*.rules.yml and
# deploy/grafana/*.json; test/deploy/chart-files.test.ts fails when a copy is
# not byte-identical to its original. Run this after editing deploy/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
files="$root/helm/health-aggregator/files"
rm -rf "$files/prometheus" "$files/grafana"
mkdir -p "$files/prometheus" "$files/grafana"
# The rules only: the promtool unit tests (*.rules.test.yml) stay in deploy/.
for f in "$root"/deploy/prometheus/*.rules.yml; do cp "$f" "$files/prometheus/"; done
for f in "$root"/deploy/grafana/*.json; do cp "$f" "$files/grafana/"; done
echo "synced: $(ls "$files/prometheus" "$files/grafana" | grep -c '\.')"
