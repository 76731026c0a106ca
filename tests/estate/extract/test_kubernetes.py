"""Kubernetes objects: typed detail per kind; secrets and SOPS payloads never read."""

from __future__ import annotations

from engine.estate.extract import extract
from engine.estate.extract.kinds import (
    CRD,
    ArgoApplication,
    ArgoRollout,
    ExternalSecret,
    FluxKustomization,
    FluxSource,
    HelmRelease,
    Karpenter,
    Kustomize,
    KyvernoPolicy,
    Monitoring,
    SecretShape,
    SecretStore,
    Workload,
)


def _objects(text: str, name: str = "x.yaml"):
    facts = extract("yaml", text.encode(), name)
    assert not facts.problems, facts.problems
    return facts.objects


def test_flux_kustomization() -> None:
    (ks,) = _objects("""apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/prod
  prune: true
  targetNamespace: apps
  sourceRef: {kind: GitRepository, name: flux-system}
  dependsOn: [{name: infra}, {name: db, namespace: data}]
  decryption: {provider: sops}
""")
    assert isinstance(ks.detail, FluxKustomization)
    d = ks.detail
    assert (d.path, d.prune, d.target_namespace, d.decryption) == (
        "./apps/prod",
        True,
        "apps",
        "sops",
    )
    assert d.source is not None and (d.source.kind, d.source.name) == (
        "GitRepository",
        "flux-system",
    )
    assert [(r.name, r.namespace) for r in d.depends_on] == [("infra", ""), ("db", "data")]
    assert not ks.partial and ks.line == 1


def test_helm_release_chart_spec_and_chart_ref() -> None:
    old, new = _objects("""apiVersion: helm.toolkit.fluxcd.io/v2beta1
kind: HelmRelease
metadata: {name: a}
spec:
  chart: {spec: {chart: podinfo, version: 6.5.0, sourceRef: {kind: HelmRepository, name: podinfo}}}
  dependsOn: [{name: b}]
  values: {replicaCount: 2, password: hunter2}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: c}
spec:
  chartRef: {kind: OCIRepository, name: c}
""")
    assert isinstance(old.detail, HelmRelease) and isinstance(new.detail, HelmRelease)
    assert (old.detail.chart, old.detail.version, old.detail.values_keys) == (
        "podinfo",
        "6.5.0",
        ["password", "replicaCount"],
    )
    assert old.detail.source is not None and old.detail.source.kind == "HelmRepository"
    assert new.detail.chart_ref is not None and new.detail.chart_ref.kind == "OCIRepository"
    assert new.line == 9
    assert "hunter2" not in old.model_dump_json()


def test_patch_fragments_are_partial() -> None:
    (patch,) = _objects(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: a}\nspec:\n  values: {replicas: 3}\n"
    )
    assert patch.partial


def test_flux_sources() -> None:
    git, oci, helm = _objects("""apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: a}
spec: {url: https://x/y, ref: {branch: main}}
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata: {name: b}
spec: {url: oci://r/c, ref: {semver: ">=1.0"}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: c}
spec: {url: oci://r, type: oci}
""")
    assert isinstance(git.detail, FluxSource) and git.detail.ref == "branch:main"
    assert isinstance(oci.detail, FluxSource) and oci.detail.ref == "semver:>=1.0"
    assert isinstance(helm.detail, FluxSource) and helm.detail.source_type == "oci"


def test_kustomize_config_with_and_without_kind() -> None:
    (k,) = _objects(
        "namespace: apps\nresources: [a.yaml, ../base]\ncomponents: [../c]\npatches:\n  - path: p.yaml\n  - patch: |-\n      - op: add\npatchesStrategicMerge: [q.yaml]\n",
        "kustomization.yaml",
    )
    assert isinstance(k.detail, Kustomize)
    assert (
        k.detail.namespace,
        k.detail.resources,
        k.detail.components,
        k.detail.patch_paths,
        k.detail.inline_patches,
    ) == ("apps", ["a.yaml", "../base"], ["../c"], ["p.yaml", "q.yaml"], 1)


def test_argo() -> None:
    app, appset, rollout = _objects("""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root}
spec:
  project: default
  sources:
    - {repoURL: https://git/apps.git, path: apps, targetRevision: main}
    - {repoURL: https://charts, chart: redis, targetRevision: 18.0.0}
  destination: {server: https://kubernetes.default.svc, namespace: argocd}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: all}
spec:
  generators: [{git: {}}, {clusters: {}}]
  template: {spec: {project: p, source: {repoURL: r, path: "{{path}}"}, destination: {name: in-cluster}}}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec: {strategy: {canary: {steps: []}}}
""")
    assert isinstance(app.detail, ArgoApplication) and [
        s.chart or s.path for s in app.detail.sources
    ] == ["apps", "redis"]
    assert isinstance(appset.detail, ArgoApplication) and appset.detail.generators == [
        "clusters",
        "git",
    ]
    assert isinstance(rollout.detail, ArgoRollout) and rollout.detail.strategy == "canary"


def test_kyverno_both_families() -> None:
    old, new, audit = _objects("""apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: a}
spec:
  validationFailureAction: enforce
  rules:
    - match: {any: [{resources: {kinds: [Pod, Deployment]}}]}
    - match: {resources: {kinds: [Secret]}}
---
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: b}
spec:
  validationActions: [Deny]
  matchConstraints: {resourceRules: [{resources: [pods]}]}
---
apiVersion: kyverno.io/v2beta1
kind: Policy
metadata: {name: c, namespace: n}
spec:
  rules: [{validate: {failureAction: Audit}}]
""")
    assert isinstance(old.detail, KyvernoPolicy) and (
        old.detail.action,
        old.detail.kinds,
        old.detail.rules,
    ) == ("Enforce", ["Deployment", "Pod", "Secret"], 2)
    assert isinstance(new.detail, KyvernoPolicy) and (
        new.detail.family,
        new.detail.action,
        new.detail.kinds,
    ) == ("policies.kyverno.io", "Enforce", ["pods"])
    assert isinstance(audit.detail, KyvernoPolicy) and audit.detail.action == "Audit"


def test_kyverno_rules_keep_their_match_and_exclude() -> None:
    (policy, legacy, cel) = _objects("""apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team-label}
spec:
  validationFailureAction: Enforce
  rules:
    - name: team
      match: {any: [{resources: {kinds: [Deployment, apps/v1/StatefulSet]}}]}
      exclude:
        any:
          - resources: {namespaces: [kube-system, flux-system]}
          - resources: {kinds: [Deployment], selector: {matchLabels: {tier: system}}}
      validate: {pattern: {metadata: {labels: {team: "?*"}}}}
    - name: add-default
      match: {all: [{resources: {kinds: [Pod], namespaces: [apps]}}, {subjects: [{kind: User, name: x}]}]}
      mutate: {patchStrategicMerge: {metadata: {labels: {x: y}}}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: legacy}
spec:
  rules:
    - match: {resources: {kinds: [Secret], namespaceSelector: {matchLabels: {a: b}}}}
      exclude: {resources: {namespaces: [vault]}}
      validate: {failureAction: Enforce, deny: {}}
---
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: cel}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], resources: [deployments]}]
    excludeResourceRules: [{resources: [statefulsets]}]
""")
    detail = policy.detail
    assert isinstance(detail, KyvernoPolicy)
    team, add = detail.matches
    assert [f.kinds for f in team.match] == [["Deployment", "apps/v1/StatefulSet"]]
    assert not team.match_all and team.validates
    assert [(f.kinds, f.namespaces, f.narrowed) for f in team.exclude] == [
        ([], ["flux-system", "kube-system"], False),
        (["Deployment"], [], True),
    ]
    assert not team.exclude_all
    # all filters must hold; a subject filter narrows what it matches; a mutation never rejects
    assert add.match_all and [f.narrowed for f in add.match] == [False, True]
    assert not add.validates
    assert isinstance(legacy.detail, KyvernoPolicy) and legacy.detail.action == "Enforce"
    (rule,) = legacy.detail.matches
    assert rule.match_all and rule.match[0].narrowed and rule.action == "Enforce"
    assert [f.namespaces for f in rule.exclude] == [["vault"]]
    assert isinstance(cel.detail, KyvernoPolicy)
    (rule,) = cel.detail.matches
    assert [f.kinds for f in rule.match] == [["deployments"]]
    assert [f.kinds for f in rule.exclude] == [["statefulsets"]]


def test_a_cloudnativepg_cluster_runs_its_postgres_image() -> None:
    (cluster,) = _objects("""apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: orders, namespace: data}
spec:
  instances: 3
  imageName: ghcr.io/cloudnative-pg/postgresql:15.6
""")
    assert isinstance(cluster.detail, Workload)
    assert cluster.detail.images == ["ghcr.io/cloudnative-pg/postgresql:15.6"]


def test_karpenter_generations() -> None:
    pool, cls, prov = _objects("""apiVersion: karpenter.sh/v1
kind: NodePool
metadata: {name: default}
spec:
  template: {spec: {nodeClassRef: {name: default}, requirements: [{key: karpenter.sh/capacity-type, operator: In, values: [spot, on-demand]}]}}
---
apiVersion: karpenter.k8s.aws/v1
kind: EC2NodeClass
metadata: {name: default}
spec: {amiSelectorTerms: [{alias: al2023@latest}]}
---
apiVersion: karpenter.sh/v1alpha5
kind: Provisioner
metadata: {name: old}
spec: {providerRef: {name: old}}
""")
    assert (
        isinstance(pool.detail, Karpenter)
        and pool.detail.capacity_types == ["on-demand", "spot"]
        and pool.detail.node_class == "default"
    )
    assert isinstance(cls.detail, Karpenter) and cls.detail.ami_family == "al2023@latest"
    assert (
        isinstance(prov.detail, Karpenter)
        and prov.detail.node_class == "old"
        and prov.api_version == "karpenter.sh/v1alpha5"
    )


def test_external_secrets() -> None:
    es, store = _objects("""apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: aws}
  target: {name: db-creds}
  data: [{secretKey: password, remoteRef: {key: prod/orders/rds, property: password}}]
  dataFrom: [{extract: {key: prod/shared}}, {find: {name: {regexp: "^prod/.*"}}}]
---
apiVersion: external-secrets.io/v1beta1
kind: ClusterSecretStore
metadata: {name: aws}
spec: {provider: {aws: {service: SecretsManager, region: eu-west-1}}}
""")
    assert isinstance(es.detail, ExternalSecret)
    assert (
        es.detail.remote_keys == ["^prod/.*", "prod/orders/rds", "prod/shared"]
        and es.detail.target == "db-creds"
    )
    assert isinstance(store.detail, SecretStore) and (
        store.detail.provider,
        store.detail.service,
    ) == ("aws", "SecretsManager")


def test_secrets_and_sops_never_read() -> None:
    secret, sealed, sops = _objects("""apiVersion: v1
kind: Secret
metadata: {name: s}
data: {password: c2VjcmV0LXZhbHVl}
stringData: {token: plain-secret-value}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata: {name: sealed}
spec: {encryptedData: {a: AgBy3i4OJSWK+PiTySYZZA}}
---
apiVersion: v1
kind: Secret
metadata: {name: enc}
stringData: {token: "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]"}
sops: {mac: "ENC[...]", version: 3.9.0}
""")
    assert isinstance(secret.detail, SecretShape) and secret.detail.keys == 2
    assert isinstance(sealed.detail, SecretShape) and sealed.detail.keys == 1
    assert sops.encrypted and sops.name == "enc"
    dump = "".join(o.model_dump_json() for o in (secret, sealed, sops))
    for value in ("c2VjcmV0", "plain-secret-value", "AgBy3i4O", "ENC["):
        assert value not in dump


def test_monitoring_and_crds() -> None:
    rule, vmc, crd = _objects("""apiVersion: operator.victoriametrics.com/v1beta1
kind: VMRule
metadata: {name: r}
spec: {groups: [{name: g, rules: [{alert: A}, {alert: B}]}]}
---
apiVersion: operator.victoriametrics.com/v1beta1
kind: VMCluster
metadata: {name: main}
spec: {clusterVersion: v1.93.5-cluster}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: nodepools.karpenter.sh}
spec: {group: karpenter.sh, names: {kind: NodePool}, versions: [{name: v1beta1}, {name: v1}]}
""")
    assert isinstance(rule.detail, Monitoring) and rule.detail.rules == 2
    assert isinstance(vmc.detail, Monitoring) and vmc.detail.version == "v1.93.5-cluster"
    assert isinstance(crd.detail, CRD) and (crd.detail.defines, crd.detail.versions) == (
        "NodePool",
        ["v1beta1", "v1"],
    )
