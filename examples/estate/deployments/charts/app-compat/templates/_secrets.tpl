{{- define "app-compat.secretEnv" -}}
{{- if .Values.secrets.secretName }}
envFrom:
  - secretRef:
      name: {{ .Values.secrets.secretName }}
{{- end }}
{{- end -}}
