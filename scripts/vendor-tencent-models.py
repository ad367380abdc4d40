#!/usr/bin/env python3
"""Regenerates src/tencent/: Tencent's own API models and per-action error lists, cut down to the
actions the pipeline calls and the emulator serves.

Sources (both Apache-2.0, published by Tencent):
  * API models: tccli's `tccli/services/<svc>/<version>/api.json` from the PyPI package `tccli`
    (fetched with `pip download --no-deps tccli==<TCCLI_VERSION>`).
  * Per-action documented error codes: the comments of `tencentcloud/<svc>/<version>/client.go` in the
    official Go SDK (`github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/<svc>`), fetched with
    `go mod download -json <module>@<version>`; when the Go module proxy does not serve a version, pass a
    clone of the SDK repository with `--go-sdk-git DIR` (the tag `tencentcloud/<svc>/<version>` is read).
  * Common error codes: Tencent's published common error table (transcribed in COMMON_ERRORS below).

Usage: python3 scripts/vendor-tencent-models.py [--go-sdk-git DIR] [--tccli-wheel FILE]
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'tencent')
TCCLI_VERSION = '3.1.189.1'
GO_SDK = {'cvm': 'v1.3.162', 'cbs': 'v1.3.165', 'tat': 'v1.3.107'}

SERVICES = {
    'cvm': ('2017-03-12', [
        'CreateImage', 'DeleteImages', 'DescribeImageQuota', 'DescribeImageSharePermission', 'DescribeImages',
        'DescribeInstances', 'DescribeInstancesStatus', 'ModifyImageSharePermission', 'RunInstances',
        'StartInstances', 'StopInstances', 'SyncImages', 'TerminateInstances',
    ]),
    'cbs': ('2017-03-12', [
        'AttachDisks', 'CreateDisks', 'CreateSnapshot', 'DeleteSnapshots', 'DescribeDisks', 'DescribeSnapshots',
    ]),
    'tat': ('2020-10-28', ['DescribeAutomationAgentStatus', 'DescribeInvocationTasks', 'RunCommand']),
}

# Tencent Cloud API 3.0 common error codes ("公共错误码"), valid for every action of every product:
# https://cloud.tencent.com/document/api/213/15694 (CVM API "错误码" page, same table on every product's
# API error-code page, e.g. https://cloud.tencent.com/document/product/1778/111040).
COMMON_ERRORS = [
    'ActionOffline', 'AuthFailure.InvalidAuthorization', 'AuthFailure.InvalidSecretId', 'AuthFailure.MFAFailure',
    'AuthFailure.SecretIdNotFound', 'AuthFailure.SignatureExpire', 'AuthFailure.SignatureFailure',
    'AuthFailure.TokenFailure', 'AuthFailure.UnauthorizedOperation', 'DryRunOperation', 'FailedOperation',
    'InternalError', 'InvalidAction', 'InvalidParameter', 'InvalidParameterValue', 'InvalidRequest',
    'IpInBlacklist', 'IpNotInWhitelist', 'LimitExceeded', 'MissingParameter', 'NoSuchProduct', 'NoSuchVersion',
    'RequestLimitExceeded', 'RequestLimitExceeded.GlobalRegionUinLimitExceeded',
    'RequestLimitExceeded.IPLimitExceeded', 'RequestLimitExceeded.UinLimitExceeded', 'RequestSizeLimitExceeded',
    'ResourceInUse', 'ResourceInsufficient', 'ResourceNotFound', 'ResourceUnavailable',
    'ResponseSizeLimitExceeded', 'ServiceUnavailable', 'UnauthorizedOperation', 'UnknownParameter',
    'UnsupportedOperation', 'UnsupportedProtocol', 'UnsupportedRegion',
]


def tccli_root(wheel):
    tmp = tempfile.mkdtemp(prefix='tccli-')
    if not wheel:
        subprocess.run([sys.executable, '-m', 'pip', 'download', '--no-deps', f'tccli=={TCCLI_VERSION}', '-d', tmp],
                       check=True, stdout=subprocess.DEVNULL)
        wheel = glob.glob(os.path.join(tmp, 'tccli-*.whl'))[0]
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp, [n for n in z.namelist() if n.startswith('tccli/services/') or n == 'tccli/__init__.py'])
    return tmp


def go_client(svc, version, git_dir):
    """client.go text of the pinned Go SDK version: the module proxy first, a repository clone second."""
    module = f'github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/{svc}'
    rel = f'v{version.replace("-", "")}/client.go'
    proc = subprocess.run(['go', 'mod', 'download', '-json', f'{module}@{GO_SDK[svc]}'], capture_output=True,
                          text=True, env={**os.environ, 'GOFLAGS': '-mod=mod'}, cwd=tempfile.gettempdir())
    info = json.loads(proc.stdout or '{}')
    if info.get('Dir'):
        with open(os.path.join(info['Dir'], rel), encoding='utf-8') as f:
            return f.read(), f'{module}@{GO_SDK[svc]} (Go module proxy)'
    if not git_dir:
        sys.exit(f'{module}@{GO_SDK[svc]}: {info.get("Error", proc.stderr)}; pass --go-sdk-git DIR')
    tag = f'tencentcloud/{svc}/{GO_SDK[svc]}'
    text = subprocess.run(['git', '-C', git_dir, 'show', f'{tag}:tencentcloud/{svc}/{rel}'], check=True,
                          capture_output=True, text=True).stdout
    commit = subprocess.run(['git', '-C', git_dir, 'rev-list', '-n1', tag], check=True, capture_output=True,
                            text=True).stdout.strip()
    return text, f'{module}@{GO_SDK[svc]} (git tag {tag}, commit {commit})'


def action_errors(client_go, action):
    """The `可能返回的错误码` comment block above `func (c *Client) <Action>(`."""
    m = re.search(r'// ' + action + r'\n((?://.*\n)+?)func \(c \*Client\) ' + action + r'\(', client_go)
    if not m:
        raise SystemExit(f'no doc comment for {action}')
    return sorted(set(re.findall(r'^//\s+[A-Z0-9_]+ = "([^"]+)"$', m.group(1), re.M)))


def reachable(objects, names):
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in objects:
            continue
        seen.add(name)
        for member in objects[name].get('members', []):
            todo.append(member.get('member'))
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--go-sdk-git')
    ap.add_argument('--tccli-wheel')
    args = ap.parse_args()
    root = tccli_root(args.tccli_wheel)
    os.makedirs(OUT, exist_ok=True)
    sources = {'tccli': f'tccli=={TCCLI_VERSION} (PyPI), tccli/services/<svc>/<version>/api.json',
               'commonErrors': 'https://cloud.tencent.com/document/api/213/15694', 'services': {}}
    for svc, (version, actions) in SERVICES.items():
        api = json.load(open(os.path.join(root, 'tccli', 'services', svc, f'v{version.replace("-", "")}',
                                          'api.json'), encoding='utf-8'))
        client_go, go_source = go_client(svc, version, args.go_sdk_git)
        keep = reachable(api['objects'], [api['actions'][a][k] for a in actions for k in ('input', 'output')])
        out = {
            'service': svc, 'version': version,
            'actions': {a: {'input': api['actions'][a]['input'], 'output': api['actions'][a]['output'],
                            'document': api['actions'][a]['document'],
                            'errors': action_errors(client_go, a)} for a in actions},
            'objects': {n: {'members': [{k: m[k] for k in ('name', 'type', 'member', 'required', 'document')
                                         if k in m} for m in api['objects'][n].get('members', [])]}
                        for n in sorted(keep)},
        }
        with open(os.path.join(OUT, f'{svc}-{version}.json'), 'w', encoding='utf-8') as f:
            json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write('\n')
        sources['services'][svc] = {'version': version, 'apiModel': f'tccli/services/{svc}/v{version.replace("-", "")}/api.json',
                                    'errors': go_source, 'actions': actions}
    with open(os.path.join(OUT, 'common-errors.json'), 'w', encoding='utf-8') as f:
        json.dump({'source': sources['commonErrors'], 'codes': COMMON_ERRORS}, f, indent=1)
        f.write('\n')
    with open(os.path.join(OUT, 'SOURCES.json'), 'w', encoding='utf-8') as f:
        json.dump(sources, f, indent=1, sort_keys=True)
        f.write('\n')


if __name__ == '__main__':
    main()
