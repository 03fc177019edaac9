#!/usr/bin/env bash
# Makes a Terraform provider filesystem mirror of the AWS provider in Terraform's implied local mirror
# folder (~/.terraform.d/plugins), where the infra harness finds it. Needs the public registry: for CI
# runners with internet. Usage: provider-mirror.sh <aws provider version>
set -euo pipefail
version="$1"
work=$(mktemp -d)
cat > "$work/main.tf" <<TF
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${version}" }
  }
}
TF
(cd "$work" && terraform providers mirror -platform=linux_amd64 "$HOME/.terraform.d/plugins")
rm -rf "$work"
