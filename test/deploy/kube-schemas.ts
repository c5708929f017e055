/**
 * Kubernetes' own schemas, offline: kubernetes-models for the built-in kinds
 * and @kubernetes-models/prometheus-operator for the Operator's. Each model's
 * validate() throws on a missing required field or a wrong type (it does not
 * catch unknown fields). Both packages are ESM-only, hence import().
 */
import type { JsonObject } from './files';

type Model = new (data: any) => { validate(): void };

async function models(): Promise<Map<string, Model>> {
  const core = await import('kubernetes-models/v1');
  const apps = await import('kubernetes-models/apps/v1');
  const policy = await import('kubernetes-models/policy/v1');
  const autoscaling = await import('kubernetes-models/autoscaling/v2');
  const networking = await import('kubernetes-models/networking.k8s.io/v1');
  const monitoring = await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1');
  return new Map<string, Model>([
    ['v1/ConfigMap', core.ConfigMap],
    ['v1/Service', core.Service],
    ['v1/ServiceAccount', core.ServiceAccount],
    ['v1/Pod', core.Pod],
    ['apps/v1/Deployment', apps.Deployment],
    ['policy/v1/PodDisruptionBudget', policy.PodDisruptionBudget],
    ['autoscaling/v2/HorizontalPodAutoscaler', autoscaling.HorizontalPodAutoscaler],
    ['networking.k8s.io/v1/Ingress', networking.Ingress],
    ['networking.k8s.io/v1/NetworkPolicy', networking.NetworkPolicy],
    ['monitoring.coreos.com/v1/PrometheusRule', monitoring.PrometheusRule],
    ['monitoring.coreos.com/v1/ServiceMonitor', monitoring.ServiceMonitor],
  ]);
}

let loaded: Promise<Map<string, Model>> | undefined;

/**
 * Validates one rendered manifest against its kind's schema. Resolves with
 * the schema it used ("apps/v1/Deployment"); rejects with the schema's
 * message, or when no schema is known for the kind (so a new template can
 * not slip past unvalidated).
 */
export async function validateManifest(doc: JsonObject): Promise<string> {
  const key = `${String(doc.apiVersion)}/${String(doc.kind)}`;
  const Model = (await (loaded ??= models())).get(key);
  if (Model === undefined) throw new Error(`no schema for ${key}`);
  new Model(doc).validate();
  return key;
}
