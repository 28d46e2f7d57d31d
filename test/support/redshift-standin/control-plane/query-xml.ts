import { randomUUID } from 'node:crypto';
import type { Cluster } from './cluster-registry.js';

const NAMESPACE = 'http://redshift.amazonaws.com/doc/2012-12-01/';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

export type XmlValue = string | number | boolean | Date | XmlNode | XmlNode[] | undefined;
export interface XmlNode {
  [name: string]: XmlValue;
}

/** Serialises {Name: value} to <Name>value</Name>; arrays repeat the element; Dates become ISO 8601. */
export function toXml(node: XmlNode): string {
  return Object.entries(node)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      if (Array.isArray(value)) return value.map((item) => `<${name}>${toXml(item)}</${name}>`).join('');
      if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
      if (typeof value === 'object') return `<${name}>${toXml(value as XmlNode)}</${name}>`;
      return `<${name}>${escapeXml(String(value))}</${name}>`;
    })
    .join('');
}

export function queryResponse(action: string, result: XmlNode): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACE}">` +
    `<${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryError(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>` +
    `<Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}

/** A Cluster element; the Endpoint (present once available) points at the PostgreSQL server. */
export function clusterNode(cluster: Cluster, postgresPort: number): XmlNode {
  const hasEndpoint = cluster.status !== 'creating' && cluster.status !== 'deleting';
  return {
    ClusterIdentifier: cluster.identifier,
    NodeType: cluster.nodeType,
    ClusterStatus: cluster.status,
    ClusterAvailabilityStatus: cluster.status === 'available' ? 'Available' : cluster.status === 'paused' ? 'Paused' : 'Modifying',
    MasterUsername: cluster.masterUsername,
    DBName: cluster.dbName,
    Endpoint: hasEndpoint ? { Address: '127.0.0.1', Port: postgresPort } : undefined,
    ClusterCreateTime: cluster.createTime,
    AutomatedSnapshotRetentionPeriod: 1,
    ClusterVersion: '1.0',
    AllowVersionUpgrade: true,
    NumberOfNodes: cluster.numberOfNodes,
    PubliclyAccessible: cluster.publiclyAccessible,
    Encrypted: false,
    IamRoles: { ClusterIamRole: cluster.iamRoles.map((arn) => ({ IamRoleArn: arn, ApplyStatus: 'in-sync' })) },
  };
}
